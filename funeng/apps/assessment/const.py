"""Enumerations and limits of the assessment app, with translated labels."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")


class EvidenceState(models.TextChoices):
    """How far an answer is backed: the enterprise's word, a file, or an official's check."""

    SELF_DECLARED = "self_declared", _("Self-declared")
    EVIDENCE_ATTACHED = "evidence_attached", _("Evidence attached")
    VERIFIED = "verified", _("Verified")
    REJECTED = "rejected", _("Evidence rejected")


class ReviewDecision(models.TextChoices):
    VERIFY = "verify", _("Verify")
    REJECT = "reject", _("Reject")


# The engine knows three states; rejected evidence backs nothing, so the answer counts as the
# enterprise's own word again.
ENGINE_EVIDENCE_STATE = {
    EvidenceState.SELF_DECLARED: "self_declared",
    EvidenceState.EVIDENCE_ATTACHED: "evidence_attached",
    EvidenceState.VERIFIED: "verified",
    EvidenceState.REJECTED: "self_declared",
}

# Evidence files: small office documents and photos only. The type is decided by the file's own
# first bytes (and, for XLSX, its ZIP directory), never by the name or the browser's header.
EVIDENCE_MAX_BYTES = 5 * 1024 * 1024
EVIDENCE_MAX_FILES_PER_ANSWER = 5
EVIDENCE_DIR = "evidence"
EVIDENCE_KINDS = {
    "pdf": ("application/pdf", ".pdf"),
    "png": ("image/png", ".png"),
    "jpeg": ("image/jpeg", ".jpg"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"),
}

# Peer groups smaller than this are not shown: a percentile among three firms would all but name them.
MIN_PEER_GROUP = 5

# GB/T 4754-2017 section C (manufacturing) is divisions 13-43.
MANUFACTURING_DIVISIONS = range(13, 44)
DEFAULT_FAMILY = "miit-2024"
