"""Users, enterprise sign-up as a claim (codes, reviewed documents, verifiers), colleagues and invitations, login lockout."""
