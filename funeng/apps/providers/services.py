"""Provider writes: applications, vetting decisions and profile edits; each is audited.

Callers check access first; vetting and edits check it again, so a forgotten check in a view
cannot grant anything.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from funeng.apps.accounts.services import (
    Errors,
    add_error,
    membership_create,
    merge_errors,
    new_user_errors,
    raise_errors,
    user_create,
)
from funeng.apps.audit.models import AuditAction
from funeng.apps.audit.services import audit_created, audit_record, field_diff, snapshot
from funeng.apps.core.const import Role
from funeng.apps.core.validators import county_region_problem, validate_credit_code
from funeng.apps.providers.access import can_edit_provider, can_vet_provider
from funeng.apps.providers.const import VettingState
from funeng.apps.providers.models import Provider

if TYPE_CHECKING:
    # The project keeps Django's default user model (AUTH_USER_MODEL is not swapped).
    from django.contrib.auth.models import User

VETTING_REASON_MAX = 500


class VettingDecision(models.TextChoices):
    """What an official decides about a provider; each is allowed from some states only."""

    APPROVE = "approve", gettext_lazy("Approve")
    REJECT = "reject", gettext_lazy("Reject")
    SUSPEND = "suspend", gettext_lazy("Suspend")
    REINSTATE = "reinstate", gettext_lazy("Reinstate")


# decision → (states it may be taken from, state it leads to)
VETTING_TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    VettingDecision.APPROVE: (frozenset({VettingState.APPLIED}), VettingState.APPROVED),
    VettingDecision.REJECT: (frozenset({VettingState.APPLIED}), VettingState.REJECTED),
    VettingDecision.SUSPEND: (frozenset({VettingState.APPROVED}), VettingState.SUSPENDED),
    VettingDecision.REINSTATE: (frozenset({VettingState.SUSPENDED}), VettingState.APPROVED),
}
# Every decision says why: a refusal so the provider can fix what it names, an approval so the
# audit log shows on what basis the platform now recommends the provider.
REASON_REQUIRED = frozenset(VettingDecision)


# What a provider's audit rows record.
AUDITED_FIELDS = ("name", "credit_code", "region_code", "vetting_state", "vetting_reason")


@transaction.atomic
def provider_apply(
    *, name: str, credit_code: str, region_code: str, email: str, username: str, password: str
) -> tuple[User, Provider]:
    """Register a provider as an application awaiting vetting, with its first user account.

    The vetting state is always `applied`: nothing the applicant sends can set it.
    """
    credit_code = credit_code.strip().upper()
    provider = Provider(
        name=name.strip(),
        credit_code=credit_code,
        region_code=region_code,
        vetting_state=VettingState.APPLIED,
    )
    errors: Errors = {}
    try:
        provider.full_clean(validate_unique=False)
    except ValidationError as exc:
        merge_errors(errors, exc)
    if "credit_code" not in errors:
        try:
            validate_credit_code(credit_code)
        except ValidationError as exc:
            errors.setdefault("credit_code", []).extend(exc.messages)
    if "credit_code" not in errors and Provider.objects.filter(credit_code=credit_code).exists():
        add_error(
            errors,
            "credit_code",
            _(
                "A provider with this credit code has already applied; log in with its account "
                "or ask its administrator."
            ),
        )
    if "region_code" not in errors:
        problem = county_region_problem(region_code)
        if problem:
            add_error(errors, "region_code", problem)
    user, user_errors = new_user_errors(username=username, email=email, password=password)
    for field, messages in user_errors.items():
        errors.setdefault(field, []).extend(messages)
    raise_errors(errors)

    user_create(user)
    provider.save()
    audit_created(actor=user, obj=provider, fields=AUDITED_FIELDS)
    membership_create(actor=user, user=user, role=Role.PROVIDER, provider=provider)
    return user, provider


@transaction.atomic
def provider_vet(*, actor: AbstractBaseUser, provider: Provider, decision: str, reason: str = "") -> Provider:
    """Approve, reject, suspend or reinstate a provider; the state change and reason are audited."""
    if not can_vet_provider(actor, provider):
        raise PermissionDenied
    reason = (reason or "").strip()
    # Re-read under a lock: two officials deciding at once must see each other's decision.
    provider = Provider.objects.select_for_update().get(pk=provider.pk)
    errors: Errors = {}
    transition = VETTING_TRANSITIONS.get(decision)
    if transition is None:
        add_error(errors, "decision", _("Choose approve, reject, suspend or reinstate."))
    else:
        allowed_from, _target = transition
        if provider.vetting_state not in allowed_from:
            add_error(
                errors,
                "decision",
                _("A provider in state “%(state)s” cannot be given the decision “%(decision)s”.")
                % {
                    "state": provider.get_vetting_state_display(),
                    "decision": VettingDecision(decision).label,
                },
            )
    if decision in REASON_REQUIRED and not reason:
        add_error(errors, "reason", _("Give a reason: the provider reads it and the audit log keeps it."))
    if len(reason) > VETTING_REASON_MAX:
        add_error(
            errors,
            "reason",
            _("Keep the reason to %(max)d characters (it has %(length)d).")
            % {"max": VETTING_REASON_MAX, "length": len(reason)},
        )
    raise_errors(errors)
    assert transition is not None
    before = snapshot(provider, AUDITED_FIELDS)
    provider.vetting_state = transition[1]
    provider.vetting_reason = reason
    provider.save(update_fields=["vetting_state", "vetting_reason"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=provider,
        changes={"decision": [None, str(decision)], **field_diff(before, snapshot(provider, AUDITED_FIELDS))},
    )
    return provider


@transaction.atomic
def provider_update(
    *, provider: Provider, acting_user: User, name: str, email: str, resubmit: bool = False
) -> Provider:
    """A provider user changes the provider's name and their own contact email.

    Credit code, region and vetting state are not parameters: the application sets the first
    two and officials the last. The one exception is `resubmit`, which puts a rejected provider
    back in the vetting queue after it fixed what the reason named.
    """
    if not can_edit_provider(acting_user, provider):
        raise PermissionDenied
    provider = Provider.objects.select_for_update().get(pk=provider.pk)
    before = snapshot(provider, AUDITED_FIELDS)
    provider.name = name.strip()
    errors: Errors = {}
    try:
        provider.full_clean(validate_unique=False)
    except ValidationError as exc:
        merge_errors(errors, exc)
    email = BaseUserManager.normalize_email(email.strip())
    if not email:
        add_error(
            errors, "email", _("Enter an email address; password resets and invitations are sent there.")
        )
    else:
        try:
            acting_user._meta.get_field("email").clean(email, acting_user)
        except ValidationError as exc:
            errors.setdefault("email", []).extend(exc.messages)
    raise_errors(errors)
    if resubmit and provider.vetting_state == VettingState.REJECTED:
        provider.vetting_state = VettingState.APPLIED
    changes = field_diff(before, snapshot(provider, AUDITED_FIELDS))
    if changes:
        provider.save(update_fields=["name", "vetting_state"])
        audit_record(actor=acting_user, action=AuditAction.UPDATE, obj=provider, changes=changes)
    if email != acting_user.email:
        audit_record(
            actor=acting_user,
            action=AuditAction.UPDATE,
            obj=acting_user,
            changes={"email": [acting_user.email, email]},
        )
        acting_user.email = email
        acting_user.save(update_fields=["email"])
    return provider
