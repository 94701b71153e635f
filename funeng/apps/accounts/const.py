"""Enterprise claims: how a claimant proves authority, where a claim stands, and the limits."""

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ClaimProof(models.TextChoices):
    CLAIM_CODE = "claim_code", _("Claim code")
    DOCUMENTS = "documents", _("Business licence and authorisation letter")
    VERIFIER = "verifier", _("Online verification")


class ClaimState(models.TextChoices):
    PENDING = "pending", _("Waiting for review")
    # Own context: the claimant reads “已通过/未通过”, not the policy engine's “通过/不通过”.
    APPROVED = "approved", pgettext_lazy("enterprise claim", "Approved")
    REJECTED = "rejected", pgettext_lazy("enterprise claim", "Rejected")


class ClaimDecision(models.TextChoices):
    APPROVE = "approve", _("Approve")
    REJECT = "reject", _("Reject")


class ClaimDocumentKind(models.TextChoices):
    LICENCE = "licence", _("Business licence")
    AUTHORISATION = "authorisation", _("Authorisation letter")


# A printed letter takes days to arrive; three months leave time to act on it, and an unused code
# does not stay valid for ever.
CLAIM_CODE_LIFETIME = dt.timedelta(days=90)
# 16 characters of 32 (5 bits each) give 80 bits: only the hash is stored, so neither guessing
# online (throttled) nor from a leaked database is practical. No 0/O or 1/I to misread on paper.
CLAIM_CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
CLAIM_CODE_LENGTH = 16
# Licence scans and signed letters: PDF or a photo, as evidence files are.
CLAIM_DOCUMENT_KINDS = ("pdf", "png", "jpeg")
CLAIM_DOCUMENT_MAX_BYTES = 5 * 1024 * 1024
CLAIM_DOCUMENT_DIR = "claims"
CLAIM_REASON_MAX = 1000
LEGAL_REPRESENTATIVE_MAX = 50

# Shared by the form's early checks and the service's own, so both read alike.
MISSING_CLAIM_CODE = _("Enter the claim code printed in the promotion centre's letter.")
MISSING_LEGAL_REPRESENTATIVE = _("Enter the legal representative named on the business licence.")
MISSING_DOCUMENT = _("Attach this document (PDF, PNG or JPEG, at most 5 MB).")
