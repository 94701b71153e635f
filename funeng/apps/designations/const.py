"""Designation enums: the kinds (from kinds.py), how an entry came in, and where it stands."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from funeng.apps.designations.kinds import KINDS


class DesignationKindChoice(models.TextChoices):
    CLOUD_BENCHMARK = "cloud_benchmark", _("Cloud benchmark enterprises")
    SHARED_FACTORY = "shared_factory", _("Shared manufacturing workshops and factories")
    FUTURE_FACTORY = "future_factory", _("Future factories")
    DIGITAL_AGRI_FACTORY = "digital_agri_factory", _("Digital agriculture factories")
    GROWTH_DIRECTORY = "growth_directory", _("Directory of growing new-business-form enterprises")
    DT_BENCHMARK = "dt_benchmark", _("Digital transformation benchmark enterprises")
    TYPICAL_SCENARIO = "typical_scenario", _("Typical application scenarios")


# The kinds' data and the stored choices are one list; a drift fails at import.
assert tuple(DesignationKindChoice.values) == tuple(kind.id for kind in KINDS)


class Route(models.TextChoices):
    APPLICATION = "application", _("Application")
    NOMINATION = "nomination", _("Nomination")


class EntryStatus(models.TextChoices):
    APPLIED = "applied", _("Applied")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    EXITED = "exited", _("Exited")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# An entry in one of these is "open": a second one for the same kind and enterprise is refused.
OPEN_STATUSES = (EntryStatus.APPLIED, EntryStatus.APPROVED)

EVIDENCE_DIR = "designations"
EVIDENCE_MAX_BYTES = 5 * 1024 * 1024
EVIDENCE_MAX_FILES = 10
MAX_TITLE = 200
MAX_SUMMARY = 4000
