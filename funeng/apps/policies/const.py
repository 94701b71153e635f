"""Choices of the policy app: evaluation outcomes, tracks, review decisions, notice kinds."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Outcome(models.TextChoices):
    """The engine's three-valued answer."""

    ELIGIBLE = "eligible", _("Eligible")
    NOT_ELIGIBLE = "not_eligible", _("Not eligible")
    UNDETERMINED = "undetermined", _("Undetermined")


class Track(models.TextChoices):
    """Where an evaluation goes next (免申即享 practice: only clear criteria and complete data skip review)."""

    ELIGIBLE = "eligible", _("Eligible, no application needed")
    # Every measurable requirement met; required qualitative clauses wait for a reviewer to confirm.
    REVIEW = "review", _("Eligible, subject to review")
    # Undetermined only because a qualitative alternative (or the authority's discretion) could still
    # let a requirement that is not met pass: a reviewer decides, and may well refuse.
    ALTERNATIVE = "alternative", _("Possible on review of an alternative")
    MISSING = "missing", _("Data missing")
    ALMOST = "almost", _("Almost: small gaps")
    NOT_ELIGIBLE = "not_eligible", _("Not eligible")


class Decision(models.TextChoices):
    """An official's decision on a case routed to review (快申快享)."""

    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class NoticeKind(models.TextChoices):
    ELIGIBLE = "eligible", _("You qualify")
    REVIEW = "review", _("You may qualify: quick application")
    ALTERNATIVE = "alternative", _("You could qualify on review")
    MISSING = "missing", _("Complete your data")
    DECISION = "decision", _("Review decided")


# An evaluation counts as "almost" when the cheapest way to pass changes numbers by at most this
# relative distance in total (e.g. R&D share 2.4% against 3% is 0.2) and touches no fixed fact.
ALMOST_DISTANCE = 0.5
