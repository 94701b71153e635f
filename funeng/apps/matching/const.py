"""Enumerations and limits of matchmaking (需求撮合), with translated labels."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Deployment(models.TextChoices):
    """How a solution is delivered; the ids are those of the interchange format and the engine."""

    SAAS = "saas", _("SaaS")
    PRIVATE = "private", _("On-premise")
    HYBRID = "hybrid", _("Hybrid")
    HARDWARE_SAAS = "hardware_saas", _("Hardware + SaaS")


class SolutionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class NeedStatus(models.TextChoices):
    OPEN = "open", _("Seeking solutions")
    MATCHED = "matched", _("Deal made")
    CLOSED = "closed", _("Closed")


class MatchEventKind(models.TextChoices):
    """Interactions logged for learning to rank."""

    IMPRESSION = "impression", _("Shown")
    CLICK = "click", _("Opened")
    PROPOSAL_REQUESTED = "proposal_requested", _("Proposal requested")
    DEAL = "deal", _("Deal")


class ProposalStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class DealStatus(models.TextChoices):
    ACTIVE = "active", _("In delivery")
    DELIVERED = "delivered", _("Delivered")
    CANCELLED = "cancelled", _("Cancelled")


class ComplaintStatus(models.TextChoices):
    OPEN = "open", _("Awaiting decision")
    RESOLVED = "resolved", _("Resolved")
    UPHELD = "upheld", _("Upheld")


# A need keeps this many ranked solutions; providers whose solution is among them see the need.
MATCHES_KEPT = 10
# An open need counts as a supply gap on the officials' page when its best match scores under
# GAP_SCORE or fits none of the scenarios read in the need (scenario fit under GAP_SCENARIO_FIT).
# The engine's score is a relative blend (relevance × fit × bonus), so the score alone cannot tell
# an off-topic best match from a weak one; both values are provisional, chosen by reading probe needs
# with nothing in the demo catalogue (a fishing-boat tracker, a pet clinic) against served ones.
GAP_SCORE = 0.25
GAP_SCENARIO_FIT = 0.1
MAX_TEXT = 4000
MAX_TITLE = 200
MAX_PRICE = 10**11  # CNY a year; far above any SME solution, catches a misplaced decimal point
