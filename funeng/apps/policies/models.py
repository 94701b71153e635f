"""Stored policy results: batch runs over a region, review decisions (快申快享) and in-app notices."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from funeng.apps.enterprises.models import Enterprise
from funeng.apps.policies.const import Decision, NoticeKind, Outcome, Track


class PolicyRun(models.Model):
    """One batch evaluation of a programme over a region, under a rule version, as of a date."""

    programme_id = models.CharField(_("programme"), max_length=64, db_index=True)
    programme_version = models.CharField(_("rule version"), max_length=32)
    as_of = models.DateField(_("evaluated as of"))
    # GB/T 2260 scope of the enterprises evaluated; blank = the whole registry (platform operator).
    region_code = models.CharField(_("region"), max_length=6, blank=True, default="", db_index=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("evaluated at"), auto_now_add=True)
    enterprises = models.PositiveIntegerField(_("enterprises"), default=0)
    eligible = models.PositiveIntegerField(_("eligible"), default=0)
    review = models.PositiveIntegerField(_("review needed"), default=0)
    alternative = models.PositiveIntegerField(_("possible on an alternative"), default=0)
    missing = models.PositiveIntegerField(_("data missing"), default=0)
    not_eligible = models.PositiveIntegerField(_("not eligible"), default=0)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)
    # Benefit totals (programmes with an amount): what eligible enterprises receive without applying,
    # and what those eligible subject to review would receive once confirmed. Null without a benefit.
    benefit_eligible_cny = models.DecimalField(
        _("benefits, eligible"), max_digits=18, decimal_places=2, null=True, blank=True
    )
    benefit_review_cny = models.DecimalField(
        _("benefits, subject to review"), max_digits=18, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("policy run")
        verbose_name_plural = _("policy runs")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        # Names, not ids: this is what the audit log shows as the object.
        from funeng.apps.policies.selectors import programme_name

        return f"{programme_name(self.programme_id)} {self.programme_version} · {self.as_of}"


class PolicyResult(models.Model):
    """The stored outcome for one enterprise in a run, with the ids of the conditions behind it."""

    run = models.ForeignKey(PolicyRun, on_delete=models.CASCADE, related_name="results")
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="policy_results")
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    track = models.CharField(_("track"), max_length=16, choices=Track.choices)
    failing = models.JSONField(_("failing conditions"), default=list, blank=True)
    unknown = models.JSONField(_("conditions missing data"), default=list, blank=True)
    review = models.JSONField(_("conditions for review"), default=list, blank=True)
    benefit_cny = models.DecimalField(
        _("benefit amount"), max_digits=18, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("policy result")
        verbose_name_plural = _("policy results")
        ordering = ["enterprise__name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["run", "enterprise"], name="policy_result_once_per_run")
        ]
        indexes = [models.Index(fields=["run", "track"])]

    def __str__(self) -> str:
        return f"{self.run_id}/{self.enterprise_id}: {self.outcome}"


class ReviewDecision(models.Model):
    """An official's recorded decision on a case that could not be decided automatically."""

    result = models.ForeignKey(PolicyResult, on_delete=models.PROTECT, related_name="decisions")
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="policy_decisions")
    programme_id = models.CharField(_("programme"), max_length=64)
    programme_version = models.CharField(_("rule version"), max_length=32)
    decision = models.CharField(_("decision"), max_length=16, choices=Decision.choices)
    reason = models.TextField(_("reason"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), auto_now_add=True)

    class Meta:
        verbose_name = _("review decision")
        verbose_name_plural = _("review decisions")
        ordering = ["-decided_at", "-id"]

    def __str__(self) -> str:
        from funeng.apps.policies.selectors import programme_name

        return f"{programme_name(self.programme_id)}: {self.get_decision_display()}"


class PolicyNotice(models.Model):
    """An in-app message to an enterprise about a programme (the 免申即享 message log)."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="policy_notices")
    programme_id = models.CharField(_("programme"), max_length=64)
    kind = models.CharField(_("kind"), max_length=16, choices=NoticeKind.choices)
    run = models.ForeignKey(
        PolicyRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="notices"
    )
    message = models.TextField(_("message"))
    # The same message in English; blank on notices sent before it was written (pages fall back).
    message_en = models.TextField(_("message in English"), blank=True, default="")
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("policy notice")
        verbose_name_plural = _("policy notices")
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "enterprise", "kind"],
                name="policy_notice_once_per_run",
                condition=models.Q(run__isnull=False),
            )
        ]

    def __str__(self) -> str:
        from funeng.apps.policies.selectors import programme_name

        return f"{programme_name(self.programme_id)} ({self.get_kind_display()})"
