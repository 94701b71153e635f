"""Matchmaking (需求撮合): solutions, needs, stored matches, interaction log, proposals → deals → reviews."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from engines.match import fields as match_fields
from engines.maturity.framework import solution_categories
from funeng.apps.core.fields import acting_user_field
from funeng.apps.core.money import money_model_field
from funeng.apps.core.validators import validate_industry_code, validate_region_code
from funeng.apps.matching.const import (
    MAX_PRICE,
    MAX_TITLE,
    ComplaintStatus,
    DealStatus,
    Deployment,
    MatchEventKind,
    NeedStatus,
    ProposalStatus,
    SolutionStatus,
)


def scenario_problems(values: object) -> list[ValidationError]:
    """Why a scenario list is not a list of taxonomy ids (empty when it is)."""
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        return [
            ValidationError(
                _("Give the scenarios as a list of ids of the solution taxonomy."), code="invalid"
            )
        ]
    known = solution_categories()
    return [
        ValidationError(
            _("Unknown scenario %(value)s; choose one of the solution taxonomy."),
            code="invalid_choice",
            params={"value": value},
        )
        for value in values
        if value not in known
    ]


def industry_target_problems(values: object) -> list[ValidationError]:
    """Why a target-industry list is not GB/T 4754 section letters or 2-digit divisions."""
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        return [
            ValidationError(
                _("Give the industries as a list of GB/T 4754 section letters or 2-digit divisions."),
                code="invalid",
            )
        ]
    problems = []
    for value in values:
        try:
            valid = match_fields.industry_target(value) == value
        except ValueError:
            valid = False
        if not valid:
            problems.append(
                ValidationError(
                    _(
                        "Unknown industry %(value)s; use a GB/T 4754 section letter (C) or 2-digit division (13)."
                    ),
                    code="invalid_choice",
                    params={"value": value},
                )
            )
    return problems


def province_code_problems(values: object) -> list[ValidationError]:
    """Why a region list is not 6-digit GB/T 2260 province codes (330000)."""
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        return [
            ValidationError(
                _("Give the regions as a list of 6-digit GB/T 2260 province codes."), code="invalid"
            )
        ]
    provinces = match_fields.province_names()
    return [
        ValidationError(
            _("%(value)s is not a province code; use the 6-digit code such as 330000."),
            code="invalid_choice",
            params={"value": value},
        )
        for value in values
        if not (len(value) == 6 and value.endswith("0000") and value[:2] in provinces)
    ]


class Solution(models.Model):
    """A provider's offering (解决方案) in the catalogue; only published ones of approved providers are matched."""

    provider = models.ForeignKey(
        "providers.Provider", on_delete=models.PROTECT, related_name="solutions", verbose_name=_("provider")
    )
    external_id = models.CharField(
        _("interchange id"),
        max_length=64,
        blank=True,
        help_text=_("The id used in import and export files; unique when given."),
    )
    title = models.CharField(_("title"), max_length=MAX_TITLE)
    description = models.TextField(_("description"), blank=True)
    scenarios = models.JSONField(_("scenarios"), default=list, blank=True)
    industries = models.JSONField(
        _("target industries"),
        default=list,
        blank=True,
        help_text=_("GB/T 4754 section letters or 2-digit divisions; none = cross-industry"),
    )
    regions = models.JSONField(
        _("regions served"),
        default=list,
        blank=True,
        help_text=_("GB/T 2260 province codes; none = nationwide"),
    )
    price_cny_per_year = money_model_field(
        _("price (CNY a year)"), max_digits=14, max_value=MAX_PRICE, null=True, blank=True
    )
    deployment = models.CharField(_("deployment"), max_length=16, choices=Deployment.choices, blank=True)
    min_employees = models.PositiveIntegerField(_("fewest employees"), null=True, blank=True)
    max_employees = models.PositiveIntegerField(_("most employees"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=SolutionStatus.choices, default=SolutionStatus.DRAFT
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True, db_index=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("solution")
        verbose_name_plural = _("solutions")
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["external_id"],
                condition=~models.Q(external_id=""),
                name="solution_external_id_unique",
            ),
            models.CheckConstraint(
                name="solution_employee_range",
                condition=models.Q(min_employees__isnull=True)
                | models.Q(max_employees__isnull=True)
                | models.Q(min_employees__lte=models.F("max_employees")),
            ),
        ]
        indexes = [models.Index(fields=["status", "provider"])]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors: dict[str, list[ValidationError]] = {}
        for name, check in (
            ("scenarios", scenario_problems),
            ("industries", industry_target_problems),
            ("regions", province_code_problems),
        ):
            problems = check(getattr(self, name))
            if problems:
                errors[name] = problems
        if (
            self.min_employees is not None
            and self.max_employees is not None
            and self.min_employees > self.max_employees
        ):
            errors["max_employees"] = [
                ValidationError(
                    _("The most employees must not be below the fewest (%(low)s)."),
                    code="range",
                    params={"low": self.min_employees},
                )
            ]
        if errors:
            raise ValidationError(errors)

    @property
    def interchange_id(self) -> str:
        """The id in export files: the imported id, else S<primary key>."""
        return self.external_id or f"S{self.pk}"


class Need(models.Model):
    """A problem an enterprise describes in its own words (需求), with the enterprise's profile when posted.

    The profile (industry, region, employees, revenue) is copied when the need is posted: the match
    is made for the enterprise as it was then, and a need imported from an offline survey
    (需求征集) carries its profile without being linked to a registered enterprise.
    """

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="needs",
        verbose_name=_("enterprise"),
    )
    external_id = models.CharField(_("interchange id"), max_length=64, blank=True)
    title = models.CharField(_("title"), max_length=MAX_TITLE)
    description = models.TextField(_("description"), blank=True)
    scenarios = models.JSONField(_("scenarios"), default=list, blank=True)
    budget_cny_per_year = money_model_field(
        _("budget (CNY a year)"), max_digits=14, max_value=MAX_PRICE, null=True, blank=True
    )
    status = models.CharField(_("status"), max_length=16, choices=NeedStatus.choices, default=NeedStatus.OPEN)
    industry_code = models.CharField(
        _("industry code"), max_length=4, blank=True, validators=[validate_industry_code]
    )
    region_code = models.CharField(
        _("region code"), max_length=6, blank=True, validators=[validate_region_code]
    )
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    revenue_cny = models.DecimalField(
        _("revenue (CNY)"),
        max_digits=18,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    created_by = acting_user_field(_("posted by"))
    created_at = models.DateTimeField(_("posted"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # When the stored matches were computed, and for which catalogue (see ranking.catalogue_key).
    matched_at = models.DateTimeField(_("matched at"), null=True, blank=True)
    matched_catalogue = models.CharField(_("catalogue version"), max_length=64, blank=True)
    detected_scenarios = models.JSONField(
        _("scenarios read from the text"), default=list, blank=True
    )  # by the engine's classifier, strongest first
    # Of the best stored match: its score and its scenario fit (0..1), for the supply-gap report.
    best_score = models.FloatField(_("best match score"), null=True, blank=True)
    best_scenario_fit = models.FloatField(_("scenario fit of the best match"), null=True, blank=True)

    class Meta:
        verbose_name = _("need")
        verbose_name_plural = _("needs")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["external_id"], condition=~models.Q(external_id=""), name="need_external_id_unique"
            )
        ]
        indexes = [models.Index(fields=["status", "region_code"])]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        problems = scenario_problems(self.scenarios)
        if problems:
            raise ValidationError({"scenarios": problems})

    @property
    def interchange_id(self) -> str:
        """The id in export files: the imported id, else N<primary key>."""
        return self.external_id or f"N{self.pk}"


class Match(models.Model):
    """One ranked solution for a need, as the engine explained it when it last ranked the need."""

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="matches", verbose_name=_("need"))
    solution = models.ForeignKey(
        Solution, on_delete=models.CASCADE, related_name="matches", verbose_name=_("solution")
    )
    rank = models.PositiveSmallIntegerField(_("rank"))
    score = models.FloatField(_("score"))
    reasons = models.JSONField(_("reasons"), default=list)
    features = models.JSONField(_("features"), default=dict)

    class Meta:
        verbose_name = _("match")
        verbose_name_plural = _("matches")
        ordering = ["need_id", "rank"]
        constraints = [models.UniqueConstraint(fields=["need", "solution"], name="match_once_per_pair")]

    def __str__(self) -> str:
        return f"{self.need_id} #{self.rank} {self.solution_id}"


class MatchEvent(models.Model):
    """One interaction with a ranked solution, logged for learning to rank (not an audited change)."""

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="events", verbose_name=_("need"))
    solution = models.ForeignKey(
        Solution, on_delete=models.CASCADE, related_name="events", verbose_name=_("solution")
    )
    kind = models.CharField(_("event"), max_length=24, choices=MatchEventKind.choices)
    position = models.PositiveSmallIntegerField(_("position"), null=True, blank=True)
    score = models.FloatField(_("score"), null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("match event")
        verbose_name_plural = _("match events")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["kind", "need"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.need_id}/{self.solution_id}"


class Proposal(models.Model):
    """A provider's answer (响应方案) to a need: requested by the enterprise, submitted by the provider."""

    need = models.ForeignKey(Need, on_delete=models.PROTECT, related_name="proposals", verbose_name=_("need"))
    solution = models.ForeignKey(
        Solution, on_delete=models.PROTECT, related_name="proposals", verbose_name=_("solution")
    )
    # Both parties are stored on the row: access checks and audit scope read them without joins.
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        related_name="proposals",
        verbose_name=_("enterprise"),
    )
    provider = models.ForeignKey(
        "providers.Provider", on_delete=models.PROTECT, related_name="proposals", verbose_name=_("provider")
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ProposalStatus.choices, default=ProposalStatus.REQUESTED
    )
    request_note = models.TextField(_("note to the provider"), blank=True)
    price_cny = money_model_field(_("price (CNY)"), max_digits=14, max_value=MAX_PRICE, null=True, blank=True)
    delivery_plan = models.TextField(_("delivery plan"), blank=True)
    delivery_weeks = models.PositiveSmallIntegerField(
        _("delivery time (weeks)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(260)],
    )
    # Nullable for proposals imported or generated without a person (the services always set it).
    requested_by = acting_user_field(_("requested by"))
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    submitted_by = acting_user_field(_("submitted by"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["need", "solution"], name="proposal_once_per_solution"),
            models.CheckConstraint(
                name="proposal_submitted_has_price",
                condition=~models.Q(status__in=[ProposalStatus.SUBMITTED, ProposalStatus.ACCEPTED])
                | models.Q(price_cny__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider} → {self.need}"


class Deal(models.Model):
    """An accepted proposal (成交): delivered, or cancelled."""

    proposal = models.OneToOneField(
        Proposal, on_delete=models.PROTECT, related_name="deal", verbose_name=_("proposal")
    )
    need = models.ForeignKey(Need, on_delete=models.PROTECT, related_name="deals", verbose_name=_("need"))
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, related_name="deals", verbose_name=_("enterprise")
    )
    provider = models.ForeignKey(
        "providers.Provider", on_delete=models.PROTECT, related_name="deals", verbose_name=_("provider")
    )
    solution = models.ForeignKey(
        Solution, on_delete=models.PROTECT, related_name="deals", verbose_name=_("solution")
    )
    amount_cny = money_model_field(_("amount (CNY)"), max_digits=14, max_value=MAX_PRICE)
    status = models.CharField(
        _("status"), max_length=16, choices=DealStatus.choices, default=DealStatus.ACTIVE
    )
    scenarios = models.JSONField(_("scenarios delivered"), default=list, blank=True)
    created_at = models.DateTimeField(_("agreed at"), default=timezone.now)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.CharField(_("reason"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("deal")
        verbose_name_plural = _("deals")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["provider", "status"])]

    def __str__(self) -> str:
        return f"{self.provider} · {self.solution}"

    def clean(self) -> None:
        problems = scenario_problems(self.scenarios)
        if problems:
            raise ValidationError({"scenarios": problems})


class Review(models.Model):
    """The enterprise's rating (评价) of a delivered deal; one per deal."""

    deal = models.OneToOneField(Deal, on_delete=models.PROTECT, related_name="review", verbose_name=_("deal"))
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, related_name="+", verbose_name=_("enterprise")
    )
    provider = models.ForeignKey(
        "providers.Provider", on_delete=models.PROTECT, related_name="reviews", verbose_name=_("provider")
    )
    rating = models.PositiveSmallIntegerField(
        _("rating"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    text = models.TextField(_("review"), blank=True)
    created_by = acting_user_field(_("written by"))
    created_at = models.DateTimeField(_("written"), default=timezone.now)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="review_rating_1_to_5", condition=models.Q(rating__gte=1, rating__lte=5)
            )
        ]

    def __str__(self) -> str:
        return f"{self.rating}★ {self.provider}"


class Complaint(models.Model):
    """An enterprise's complaint about a deal; an official of its region resolves or upholds it."""

    deal = models.ForeignKey(
        Deal, on_delete=models.PROTECT, related_name="complaints", verbose_name=_("deal")
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, related_name="+", verbose_name=_("enterprise")
    )
    provider = models.ForeignKey(
        "providers.Provider", on_delete=models.PROTECT, related_name="complaints", verbose_name=_("provider")
    )
    text = models.TextField(_("complaint"))
    status = models.CharField(
        _("status"), max_length=16, choices=ComplaintStatus.choices, default=ComplaintStatus.OPEN
    )
    resolution = models.CharField(_("decision reason"), max_length=1000, blank=True)
    created_by = acting_user_field(_("filed by"))
    created_at = models.DateTimeField(_("filed"), default=timezone.now)
    decided_by = acting_user_field(_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.enterprise} ↔ {self.provider}"
