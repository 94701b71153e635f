"""Reads of consents (授权) and of the log of consented reads; callers pass access-checked querysets."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from funeng.apps.consents.categories import CATEGORY_FIELDS
from funeng.apps.consents.const import DataCategory
from funeng.apps.consents.models import Consent, ConsentRead
from funeng.apps.core.const import Role
from funeng.apps.core.identity import User, is_platform_admin, membership_of


class ConsentStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    EXPIRED = "expired", _("Expired")
    REVOKED = "revoked", _("Revoked")


def consent_status(consent: Consent, today: dt.date | None = None) -> ConsentStatus:
    """Revoked wins over expired: the enterprise ended it before its date."""
    if consent.revoked_at is not None:
        return ConsentStatus.REVOKED
    if consent.valid_until < (today or timezone.localdate()):
        return ConsentStatus.EXPIRED
    return ConsentStatus.ACTIVE


def consents_with_status(
    queryset: QuerySet[Consent], status: str = "", *, today: dt.date | None = None
) -> QuerySet[Consent]:
    """Consents with their parties loaded, optionally only those in one status."""
    today = today or timezone.localdate()
    if status == ConsentStatus.ACTIVE:
        queryset = queryset.filter(revoked_at__isnull=True, valid_until__gte=today)
    elif status == ConsentStatus.EXPIRED:
        queryset = queryset.filter(revoked_at__isnull=True, valid_until__lt=today)
    elif status == ConsentStatus.REVOKED:
        queryset = queryset.filter(revoked_at__isnull=False)
    return queryset.select_related("enterprise", "institution", "granted_by").order_by("-granted_at", "-id")


def consent_reads_of(consents: QuerySet[Consent]) -> QuerySet[ConsentRead]:
    """The reads made under these consents, newest first, with reader and parties loaded."""
    return (
        ConsentRead.objects.filter(consent__in=consents)
        .select_related("reader", "consent__institution", "consent__enterprise")
        .order_by("-read_at", "-id")
    )


def active_consents_read_by(user: User, enterprise_ids: Iterable[int]) -> QuerySet[Consent]:
    """A bank user's consents in force on these enterprises (none for other roles): a list's reads."""
    if is_platform_admin(user):  # operators read without consent; skip the membership query
        return Consent.objects.none()
    membership = membership_of(user)
    if membership is None or membership.role != Role.BANK or membership.institution_id is None:
        return Consent.objects.none()
    return Consent.objects.active().filter(
        institution_id=membership.institution_id, enterprise_id__in=list(enterprise_ids)
    )


@dataclass(frozen=True)
class CategoryOption:
    """One data category with the registry fields it covers, for the grant form's help text."""

    value: str
    label: str
    fields: tuple[str, ...]


def _field_label(name: str) -> str:
    # The registry sits above consents: reach its model through the consent's own relation.
    enterprise_model = Consent._meta.get_field("enterprise").related_model
    assert enterprise_model is not None and not isinstance(enterprise_model, str)
    field = enterprise_model._meta.get_field(name)
    return str(field.verbose_name) if isinstance(field, models.Field) else name


def category_options() -> list[CategoryOption]:
    """Every data category with the translated names of its fields (derived classes included)."""
    options = []
    for value, label in DataCategory.choices:
        names = [_field_label(name) for name in CATEGORY_FIELDS[value]]
        if value == DataCategory.PROFILE:
            names += [str(_("size class")), str(_("digital-economy classes"))]
        options.append(CategoryOption(value, str(label), tuple(names)))
    return options


def category_labels(values: Iterable[str]) -> list[str]:
    """Translated labels of stored category values, in their declared order; unknown ones skipped."""
    chosen = set(values)
    return [str(label) for value, label in DataCategory.choices if value in chosen]
