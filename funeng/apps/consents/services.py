"""Writes of consents (授权): an enterprise grants or revokes a bank's access; grantee reads are logged."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from funeng.apps.audit.models import AuditAction
from funeng.apps.audit.services import audit_created, audit_record, field_diff, snapshot
from funeng.apps.consents.access import can_manage_consents
from funeng.apps.consents.const import DataCategory
from funeng.apps.consents.models import Consent, ConsentRead, FinancialInstitution

Actor = AbstractBaseUser | AnonymousUser


class ConsentAlreadyRevoked(ValidationError):
    """Revoking a consent a second time; nothing changes."""


def consent_latest_end(today: dt.date) -> dt.date:
    """The last day a consent granted today may run: one year ahead (28 Feb for a 29 Feb grant)."""
    try:
        return today.replace(year=today.year + 1)
    except ValueError:
        return today.replace(year=today.year + 1, day=28)


def _clean_categories(categories: Iterable[str]) -> list[str]:
    chosen = set(categories)
    if not chosen:
        raise ValidationError(
            {"categories": _("Choose at least one data category to share.")}, code="required"
        )
    unknown = sorted(chosen - set(DataCategory.values))
    if unknown:
        raise ValidationError(
            {
                "categories": ValidationError(
                    _("Unknown data category: %(unknown)s. Choose from: %(choices)s."),
                    code="invalid_choice",
                    params={"unknown": ", ".join(unknown), "choices": ", ".join(DataCategory.values)},
                )
            }
        )
    # Stored in the declared order, so equal grants compare and display alike.
    return [value for value in DataCategory.values if value in chosen]


def _clean_valid_until(valid_until: dt.date, today: dt.date) -> None:
    if valid_until <= today:
        raise ValidationError(
            {
                "valid_until": ValidationError(
                    _(
                        "Choose an end date after today (%(today)s); a consent ending today or earlier grants nothing."
                    ),
                    code="too_early",
                    params={"today": today.isoformat()},
                )
            }
        )
    latest = consent_latest_end(today)
    if valid_until > latest:
        raise ValidationError(
            {
                "valid_until": ValidationError(
                    _(
                        "A consent may last at most one year, until %(latest)s: choose that date or an "
                        "earlier one, and grant a new consent when it ends."
                    ),
                    code="too_late",
                    params={"latest": latest.isoformat()},
                )
            }
        )


# What a consent's audit rows record.
AUDITED_FIELDS = ("enterprise", "institution", "categories", "valid_until", "granted_by", "revoked_at")


@transaction.atomic
def consent_grant(
    *,
    actor: Actor,
    # The registry's Enterprise; typed as any model because consents sit below the registry.
    enterprise: models.Model,
    institution: FinancialInstitution,
    categories: Iterable[str],
    valid_until: dt.date,
    today: dt.date | None = None,
) -> Consent:
    """Let `institution` read the named categories of `enterprise` data through `valid_until`; audited."""
    if not can_manage_consents(actor, enterprise.pk) or not isinstance(actor, AbstractBaseUser):
        raise PermissionDenied
    today = today or timezone.localdate()
    cleaned = _clean_categories(categories)
    _clean_valid_until(valid_until, today)
    same = Consent.objects.active(today).filter(
        enterprise_id=enterprise.pk, institution=institution, valid_until=valid_until
    )
    if any(sorted(existing.categories) == sorted(cleaned) for existing in same):
        raise ValidationError(
            _("An identical consent to this institution is already in force; nothing was added."),
            code="duplicate",
        )
    consent = Consent(
        enterprise_id=enterprise.pk,
        institution=institution,
        categories=cleaned,
        valid_until=valid_until,
        granted_by_id=actor.pk,
    )
    consent.full_clean()
    consent.save()
    audit_created(actor=actor, obj=consent, fields=AUDITED_FIELDS)
    return consent


@transaction.atomic
def consent_revoke(*, actor: Actor, consent: Consent, now: dt.datetime | None = None) -> Consent:
    """End a consent now: the bank loses access from the next request on; audited."""
    if not can_manage_consents(actor, consent.enterprise_id):
        raise PermissionDenied
    # Locked so two simultaneous revokes cannot both succeed and overwrite the first time.
    locked = Consent.objects.select_for_update().get(pk=consent.pk)
    if locked.revoked_at is not None:
        raise ConsentAlreadyRevoked(
            _("This consent was already revoked on %(date)s; nothing changed."),
            code="already_revoked",
            params={"date": timezone.localtime(locked.revoked_at).strftime("%Y-%m-%d %H:%M")},
        )
    before = snapshot(locked, AUDITED_FIELDS)
    locked.revoked_at = now or timezone.now()
    locked.save(update_fields=["revoked_at"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=locked,
        changes=field_diff(before, snapshot(locked, AUDITED_FIELDS)),
    )
    consent.revoked_at = locked.revoked_at
    return locked


@transaction.atomic
def consent_reads_log(
    *,
    reader: Actor,
    consents: Iterable[Consent],
    categories: Iterable[str],
    channel: str,
) -> list[ConsentRead]:
    """Record one read per consent whose categories the response actually carried."""
    if not isinstance(reader, AbstractBaseUser):
        return []
    shown = set(categories)
    rows = []
    for consent in consents:
        used = [value for value in consent.categories if value in shown]
        if used:
            rows.append(ConsentRead(consent=consent, reader_id=reader.pk, categories=used, channel=channel))
    return ConsentRead.objects.bulk_create(rows)


def consented_read_log(
    *, reader: Actor, enterprise_id: int, categories: Iterable[str], channel: str
) -> list[Consent]:
    """Log a reader's view of one enterprise under the consents in force; return those consents.

    Only a bank reads under consent: for anyone else there are no such consents and nothing is
    logged, so every door (page, API, export) calls this the same way without asking the role.
    """
    from funeng.apps.consents.access import active_consents_for

    if not isinstance(reader, AbstractBaseUser):
        return []
    consents = list(active_consents_for(reader, enterprise_id).select_related("institution"))
    if consents:
        consent_reads_log(reader=reader, consents=consents, categories=categories, channel=channel)
    return consents
