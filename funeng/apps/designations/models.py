"""Designation entries (认定名录): who is listed, how they came in, the decision, the exit; their evidence."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from funeng.apps.core.fields import acting_user_field
from funeng.apps.designations.const import (
    EVIDENCE_DIR,
    MAX_SUMMARY,
    MAX_TITLE,
    OPEN_STATUSES,
    DesignationKindChoice,
    EntryStatus,
    Route,
)
from funeng.apps.designations.kinds import DesignationKind, kind_of


class DesignationEntry(models.Model):
    """One enterprise on one list: applied or nominated, then approved (from valid_from) or not, maybe exited."""

    kind = models.CharField(_("designation"), max_length=32, choices=DesignationKindChoice.choices)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        related_name="designations",
        verbose_name=_("enterprise"),
    )
    # Copied from the enterprise at creation: the entry stays with the region that listed it.
    region_code = models.CharField(_("region"), max_length=6, db_index=True)
    route = models.CharField(_("route"), max_length=16, choices=Route.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=EntryStatus.choices, default=EntryStatus.APPLIED, db_index=True
    )
    title = models.CharField(_("title"), max_length=MAX_TITLE)
    summary = models.TextField(_("summary"), max_length=MAX_SUMMARY, blank=True)
    solutions = models.ManyToManyField(
        "matching.Solution", blank=True, related_name="designations", verbose_name=_("solutions used")
    )
    applied_by = acting_user_field(_("applied by"))
    applied_at = models.DateTimeField(_("applied at"))
    decided_by = acting_user_field(_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("decision reason"), blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    exited_at = models.DateField(_("exited on"), null=True, blank=True)
    exit_reason = models.TextField(_("exit reason"), blank=True)

    class Meta:
        verbose_name = _("designation entry")
        verbose_name_plural = _("designation entries")
        ordering = ["-applied_at", "-pk"]
        constraints = [
            # A double submit, or an application racing a nomination, never lists an enterprise twice.
            models.UniqueConstraint(
                fields=["kind", "enterprise"],
                condition=Q(status__in=[s.value for s in OPEN_STATUSES]),
                name="designations_one_open_entry",
            ),
        ]
        indexes = [models.Index(fields=["kind", "status"])]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_kind_display()})"

    @property
    def kind_info(self) -> DesignationKind:
        return kind_of(self.kind)

    def active_on(self, day: dt.date) -> bool:
        """Listed on `day`: approved or exited, valid from on or before it, not yet exited."""
        if self.status not in (EntryStatus.APPROVED, EntryStatus.EXITED) or self.valid_from is None:
            return False
        return self.valid_from <= day and (self.exited_at is None or day < self.exited_at)


class DesignationEvidence(models.Model):
    """A file backing an entry, stored under a random name; served only as an access-checked download."""

    entry = models.ForeignKey(
        DesignationEntry, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("entry")
    )
    file = models.FileField(_("file"), upload_to=f"{EVIDENCE_DIR}/", max_length=200)
    name = models.CharField(_("original file name"), max_length=200)
    kind = models.CharField(_("file type"), max_length=8)
    size = models.PositiveIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = acting_user_field(_("uploaded by"))
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("designation evidence file")
        verbose_name_plural = _("designation evidence files")
        ordering = ["entry_id", "id"]

    def __str__(self) -> str:
        return self.name
