"""The home page of each role and the role-aware navigation."""
