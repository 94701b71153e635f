"""Assessments (数字化水平评测): a round per enterprise and framework family, its answers, evidence and result."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from funeng.apps.assessment.const import AssessmentStatus, EvidenceState
from funeng.apps.core.fields import acting_user_field


class Assessment(models.Model):
    """One round (T0, T1, …) of one enterprise on one framework; answers change only while a draft."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        related_name="assessments",
        verbose_name=_("enterprise"),
    )
    framework_id = models.CharField(_("framework"), max_length=64)
    # Rounds count per family, so a manufacturer's T1 follows its T0 even when a new file version
    # (or the services variant) is used.
    framework_family = models.CharField(_("framework family"), max_length=64)
    framework_version = models.CharField(_("framework version"), max_length=32)
    engine_version = models.CharField(_("engine version"), max_length=32)
    round_index = models.PositiveSmallIntegerField(_("round"), help_text=_("0 = T0, 1 = T1, …"))
    status = models.CharField(
        _("status"), max_length=16, choices=AssessmentStatus.choices, default=AssessmentStatus.DRAFT
    )
    previous = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("previous round"),
    )
    started_by = acting_user_field(_("started by"))
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    submitted_by = acting_user_field(_("submitted by"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["enterprise_id", "framework_family", "round_index"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "framework_family", "round_index"], name="assessment_one_round_each"
            ),
            models.CheckConstraint(
                name="assessment_submitted_has_time",
                condition=models.Q(status=AssessmentStatus.DRAFT) | models.Q(submitted_at__isnull=False),
            ),
        ]
        indexes = [models.Index(fields=["status", "framework_family"])]

    def __str__(self) -> str:
        # Names, not ids: this is what the audit log shows as the object.
        from funeng.apps.assessment.frameworks import framework_name
        from funeng.apps.core.i18n import active_language

        name = framework_name(self.framework_id, active_language())
        return f"{self.enterprise.name} · {name} {self.round_label}"

    @property
    def round_label(self) -> str:
        """T0, T1, T2 …"""
        return f"T{self.round_index}"

    @property
    def is_draft(self) -> bool:
        return self.status == AssessmentStatus.DRAFT


class Answer(models.Model):
    """One question's answer in the engine's JSON shape, and how far evidence backs it."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="answers", verbose_name=_("assessment")
    )
    question_id = models.CharField(_("question"), max_length=64)
    # null = cleared; the row stays so evidence already attached is not lost
    value = models.JSONField(_("answer"), null=True, blank=True)
    evidence_state = models.CharField(
        _("evidence state"),
        max_length=20,
        choices=EvidenceState.choices,
        default=EvidenceState.SELF_DECLARED,
    )
    reviewed_by = acting_user_field(_("reviewed by"))
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_reason = models.CharField(_("reason"), max_length=500, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["assessment_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "question_id"], name="answer_one_per_question")
        ]
        indexes = [models.Index(fields=["evidence_state"])]

    def __str__(self) -> str:
        return f"{self.assessment} {self.question_id}"


class Evidence(models.Model):
    """A file backing an answer, stored under a random name; served only as a download."""

    answer = models.ForeignKey(
        Answer, on_delete=models.CASCADE, related_name="files", verbose_name=_("answer")
    )
    file = models.FileField(_("file"), upload_to="evidence/", max_length=200)
    original_name = models.CharField(_("original file name"), max_length=200)
    kind = models.CharField(_("file type"), max_length=8)
    size = models.PositiveIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = acting_user_field(_("uploaded by"))
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["answer_id", "id"]

    def __str__(self) -> str:
        return self.original_name


class AssessmentResult(models.Model):
    """The engine's result at submission, stored once and never rewritten (a new version is a new round)."""

    assessment = models.OneToOneField(
        Assessment, on_delete=models.PROTECT, related_name="result", verbose_name=_("assessment")
    )
    framework_id = models.CharField(_("framework"), max_length=64)
    framework_version = models.CharField(_("framework version"), max_length=32)
    engine_version = models.CharField(_("engine version"), max_length=32)
    score = models.FloatField(_("score"))
    max_score = models.FloatField(_("highest score"))
    level = models.PositiveSmallIntegerField(_("level"), db_index=True)
    level_name_zh = models.CharField(_("level name (Chinese)"), max_length=64)
    level_name_en = models.CharField(_("level name (English)"), max_length=64)
    dimensions = models.JSONField(_("dimensions"), default=dict, blank=True)
    scenarios = models.JSONField(_("scenarios"), default=dict, blank=True)
    explanation = models.JSONField(_("explanation (Chinese)"), default=list, blank=True)
    explanation_en = models.JSONField(_("explanation (English)"), default=list, blank=True)
    next_level = models.JSONField(_("next level"), null=True, blank=True)
    # question id → points added to the total; with the answers' evidence states this gives the verified share
    contributions = models.JSONField(_("points per question"), default=dict, blank=True)
    payload = models.JSONField(_("full result"), default=dict, blank=True)
    scored_at = models.DateTimeField(_("scored at"), default=timezone.now)

    class Meta:
        verbose_name = _("assessment result")
        verbose_name_plural = _("assessment results")

    def __str__(self) -> str:
        return f"{self.assessment} {self.score:g} L{self.level}"
