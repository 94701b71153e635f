"""Monitoring as stored: plan targets (proposed from the library, confirmed by an official), indicator
values with provenance and revisions, and the platform recomputes that produced computed values.

Indicator definitions are content (engines/monitoring/content/indicators.yaml), not rows: values and
targets name an indicator by its id and keep the definition version they were computed or read with.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from funeng.apps.core.fields import acting_user_field
from funeng.apps.library.models import PolicyDocument
from funeng.apps.library.models import Target as LibraryTarget


class TargetStatus(models.TextChoices):
    PROPOSED = "proposed", _("proposed")
    CONFIRMED = "confirmed", _("confirmed")
    REJECTED = "rejected", _("rejected")


class Provenance(models.TextChoices):
    PLATFORM = "platform", _("computed by the platform")
    REPORTED = "reported", _("reported by a responsible unit")
    DEMO = "demo", _("demo value")


class MonitoringTarget(models.Model):
    """A plan target an indicator is measured against; used for progress only once confirmed.

    Targets read from the library are proposed: a parser error must never become a published target
    silently, so an official checks value, year, baseline and units, then confirms (audited).
    """

    indicator_key = models.CharField(_("indicator"), max_length=64, db_index=True)
    region_code = models.CharField(_("region"), max_length=6, db_index=True)
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"), null=True, blank=True)
    baseline_value = models.DecimalField(
        _("baseline value"), null=True, blank=True, max_digits=24, decimal_places=6
    )
    target_year = models.PositiveSmallIntegerField(_("target year"))
    target_value = models.DecimalField(_("target value"), max_digits=24, decimal_places=6)
    op = models.CharField(_("comparison"), max_length=2, default=">=")
    unit = models.CharField(_("unit"), max_length=16, blank=True, default="")
    document = models.ForeignKey(
        PolicyDocument, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    library_target = models.ForeignKey(
        LibraryTarget, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    clause_key = models.CharField(_("clause id"), max_length=200, blank=True, default="")
    source_text = models.CharField(_("source text"), max_length=500, blank=True, default="")
    baseline_source = models.CharField(_("baseline source"), max_length=300, blank=True, default="")
    lead_unit = models.CharField(_("lead unit"), max_length=100, blank=True, default="")
    co_units = models.JSONField(_("co-responsible units"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=TargetStatus.choices, default=TargetStatus.PROPOSED
    )
    decided_by = acting_user_field(_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("note"), max_length=500, blank=True, default="")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["indicator_key", "region_code", "target_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator_key", "region_code", "target_year"], name="monitoring_target_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator_key} {self.region_code} {self.target_year}: {self.target_value}"


class MonitoringRun(models.Model):
    """One recompute of the platform indicators: when, over how many enterprises, how long it took."""

    started_by = acting_user_field(_("started by"))
    computed_at = models.DateTimeField(_("computed at"))
    enterprises = models.PositiveIntegerField(_("enterprises"))
    values_written = models.PositiveIntegerField(_("values changed"))
    seconds = models.FloatField(_("seconds"))
    backend = models.CharField(_("backend"), max_length=16, default="duckdb")

    class Meta:
        verbose_name = _("platform recompute")
        verbose_name_plural = _("platform recomputes")
        ordering = ["-computed_at"]

    def __str__(self) -> str:
        return f"{self.computed_at:%Y-%m-%d %H:%M}"


class IndicatorValue(models.Model):
    """One value of an indicator for a region and year (optionally a category of a disaggregation).

    Values are never overwritten: a correction or a changed recompute adds a revision and marks the
    one before as superseded, so every figure ever shown can be traced (who, when, source).
    """

    indicator_key = models.CharField(_("indicator"), max_length=64)
    indicator_version = models.PositiveIntegerField(_("definition version"), default=1)
    region_code = models.CharField(_("region"), max_length=6)
    year = models.PositiveSmallIntegerField(_("year"))
    dimension = models.CharField(_("disaggregation"), max_length=32, blank=True, default="")
    category = models.CharField(_("category"), max_length=32, blank=True, default="")
    value = models.DecimalField(_("value"), null=True, blank=True, max_digits=24, decimal_places=6)
    numerator = models.BigIntegerField(_("numerator"), null=True, blank=True)
    denominator = models.BigIntegerField(_("denominator"), null=True, blank=True)
    provenance = models.CharField(_("provenance"), max_length=12, choices=Provenance.choices)
    source = models.CharField(_("source document"), max_length=300, blank=True, default="")
    source_file = models.FileField(_("source file"), upload_to="monitoring/", blank=True, default="")
    source_file_name = models.CharField(_("source file name"), max_length=200, blank=True, default="")
    source_file_kind = models.CharField(_("source file type"), max_length=8, blank=True, default="")
    note = models.CharField(_("note"), max_length=500, blank=True, default="")
    run = models.ForeignKey(MonitoringRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    revision = models.PositiveIntegerField(_("revision"), default=1)
    current = models.BooleanField(_("current"), default=True)
    recorded_by = acting_user_field(_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        ordering = ["indicator_key", "region_code", "year", "dimension", "category", "-revision"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator_key", "region_code", "year", "dimension", "category"],
                condition=models.Q(current=True),
                name="monitoring_value_one_current",
            ),
            models.UniqueConstraint(
                fields=["indicator_key", "region_code", "year", "dimension", "category", "revision"],
                name="monitoring_value_revision_once",
            ),
        ]
        indexes = [models.Index(fields=["indicator_key", "region_code", "current"])]

    def __str__(self) -> str:
        return f"{self.indicator_key} {self.region_code} {self.year}: {self.value}"
