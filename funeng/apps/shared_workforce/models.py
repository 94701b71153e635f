"""Workers, surplus and demand posts, agreements and the hours recorded on them.

A worker's name and phone are personal data: see access.can_see_personal_data for who reads them.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from funeng.apps.core.fields import acting_user_field
from funeng.apps.shared_workforce.const import MAX_NOTE, MAX_TERMS, MAX_TITLE, AgreementStatus, PostStatus


class Worker(models.Model):
    """An employee the lending enterprise may lend; optionally the account they confirm agreements with."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        related_name="shared_workers",
        verbose_name=_("employer"),
    )
    name = models.CharField(_("name"), max_length=100)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    skills = models.JSONField(_("skills"), default=list)
    certificates = models.CharField(_("certificates"), max_length=500, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="shared_worker",
        verbose_name=_("login"),
    )
    created_by = acting_user_field(_("created by"))
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("worker")
        verbose_name_plural = _("workers")
        ordering = ["enterprise_id", "pk"]

    def __str__(self) -> str:
        # No name: this text lands in the audit log, which officials of the region read.
        return f"worker {self.pk}"


class _Post(models.Model):
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, related_name="+", verbose_name=_("enterprise")
    )
    title = models.CharField(_("title"), max_length=MAX_TITLE)
    skills = models.JSONField(_("skills"), default=list)
    headcount = models.PositiveSmallIntegerField(_("headcount"))
    region_code = models.CharField(_("region"), max_length=6, db_index=True)
    note = models.TextField(_("note"), max_length=MAX_NOTE, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=PostStatus.choices, default=PostStatus.OPEN, db_index=True
    )
    created_by = acting_user_field(_("created by"))
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        abstract = True
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class SurplusPost(_Post):
    """The lender's offer: staff with these skills, available between two dates, at an hourly cost."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        related_name="surplus_posts",
        verbose_name=_("lender"),
    )
    available_from = models.DateField(_("available from"))
    available_to = models.DateField(_("available until"))
    hourly_cost = models.DecimalField(_("hourly cost (yuan)"), max_digits=8, decimal_places=2)
    workers = models.ManyToManyField(
        Worker, blank=True, related_name="surplus_posts", verbose_name=_("workers")
    )

    class Meta(_Post.Meta):
        verbose_name = _("surplus staff post")
        verbose_name_plural = _("surplus staff posts")
        constraints = [
            models.CheckConstraint(
                condition=Q(available_to__gte=F("available_from")), name="workforce_surplus_dates_in_order"
            ),
            models.CheckConstraint(condition=Q(headcount__gte=1), name="workforce_surplus_headcount"),
        ]


class DemandPost(_Post):
    """The borrower's request: people with these skills, for a period, at a place, within an hourly budget."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        related_name="demand_posts",
        verbose_name=_("borrower"),
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    place = models.CharField(_("place of work"), max_length=200)
    hourly_budget = models.DecimalField(
        _("hourly budget (yuan)"), null=True, blank=True, max_digits=8, decimal_places=2
    )

    class Meta(_Post.Meta):
        verbose_name = _("staff demand post")
        verbose_name_plural = _("staff demand posts")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="workforce_demand_dates_in_order"
            ),
            models.CheckConstraint(condition=Q(headcount__gte=1), name="workforce_demand_headcount"),
        ]


class Agreement(models.Model):
    """One worker lent by the lender to the borrower for a period; the lender stays the employer."""

    lender = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        related_name="workforce_lent",
        verbose_name=_("lender"),
    )
    borrower = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        related_name="workforce_borrowed",
        verbose_name=_("borrower"),
    )
    worker = models.ForeignKey(
        Worker, on_delete=models.PROTECT, related_name="agreements", verbose_name=_("worker")
    )
    surplus_post = models.ForeignKey(
        SurplusPost,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agreements",
        verbose_name=_("surplus staff post"),
    )
    demand_post = models.ForeignKey(
        DemandPost,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agreements",
        verbose_name=_("staff demand post"),
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    hourly_pay = models.DecimalField(_("hourly rate (yuan)"), max_digits=8, decimal_places=2)
    payment_terms = models.TextField(_("who pays what"), max_length=MAX_TERMS)
    insurance_terms = models.TextField(_("insurance"), max_length=MAX_TERMS)
    place = models.CharField(_("place of work"), max_length=200)
    region_code = models.CharField(_("region"), max_length=6, db_index=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=AgreementStatus.choices,
        default=AgreementStatus.PROPOSED,
        db_index=True,
    )
    proposed_by = acting_user_field(_("proposed by"))
    proposed_at = models.DateTimeField(_("proposed at"))
    worker_answered_at = models.DateTimeField(_("worker answered at"), null=True, blank=True)
    activated_by = acting_user_field(_("confirmed by the lender"))
    activated_at = models.DateTimeField(_("active since"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_reason = models.TextField(_("reason"), max_length=MAX_NOTE, blank=True)

    class Meta:
        verbose_name = _("shared workforce agreement")
        verbose_name_plural = _("shared workforce agreements")
        ordering = ["-proposed_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="workforce_agreement_dates_in_order"
            ),
            models.CheckConstraint(
                condition=~Q(lender=F("borrower")), name="workforce_agreement_two_parties"
            ),
            models.CheckConstraint(condition=Q(hourly_pay__gte=Decimal(0)), name="workforce_agreement_pay"),
        ]
        indexes = [models.Index(fields=["worker", "status"])]

    def __str__(self) -> str:
        return f"agreement {self.pk}"

    @property
    def days(self) -> int:
        return (self.ends_on - self.starts_on).days + 1


class HoursRecord(models.Model):
    """Hours the worker worked for the borrower on one day of an agreement, recorded by the borrower."""

    agreement = models.ForeignKey(
        Agreement, on_delete=models.PROTECT, related_name="hours", verbose_name=_("agreement")
    )
    day = models.DateField(_("day"))
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=2)
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = acting_user_field(_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("hours record")
        verbose_name_plural = _("hours records")
        ordering = ["agreement_id", "day"]
        constraints = [
            # A double submit, or two people recording the same day, never counts a day twice.
            models.UniqueConstraint(fields=["agreement", "day"], name="workforce_hours_one_per_day"),
            models.CheckConstraint(
                condition=Q(hours__gt=Decimal(0), hours__lte=Decimal(24)), name="workforce_hours_in_a_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day.isoformat()} {self.hours} h"
