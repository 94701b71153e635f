"""Account writes: users, enterprise self-registration, colleague invitations.

Each service validates everything before it writes, runs in one transaction and writes an audit
row for every object it creates or changes. Callers check access first; services that change
someone else's data check it again, so a forgotten check in a view cannot grant anything.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from funeng.apps.accounts.models import Invitation, InvitationState, token_hash
from funeng.apps.audit.models import AuditAction
from funeng.apps.audit.services import audit_record
from funeng.apps.core.const import Role
from funeng.apps.core.models import Membership
from funeng.apps.core.validators import county_region_problem
from funeng.apps.enterprises.models import Enterprise
from funeng.apps.enterprises.services import enterprise_create

if TYPE_CHECKING:
    # The project keeps Django's default user model (AUTH_USER_MODEL is not swapped).
    from django.contrib.auth.models import User

INVITATION_LIFETIME = dt.timedelta(days=7)

Errors = dict[str, list[Any]]


class InvitationUnusable(Exception):
    """The invitation link cannot be used: unknown, expired, revoked or already used."""

    def __init__(self, state: InvitationState | None) -> None:
        super().__init__(state or "unknown")
        self.state = state


# --- helpers ---------------------------------------------------------------------------------


def add_error(errors: Errors, field: str, message: Any) -> None:
    errors.setdefault(field, []).append(message)


def merge_errors(errors: Errors, exc: ValidationError) -> None:
    """Add a model's ValidationError to `errors` (field → messages)."""
    by_field = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    for field, messages in by_field.items():
        errors.setdefault(field, []).extend(messages)


def new_user_errors(*, username: str, email: str, password: str) -> tuple[User, Errors]:
    """An unsaved user with a hashed password, and what is wrong with it (field → messages)."""
    user_model = get_user_model()
    user = user_model(username=username, email=BaseUserManager.normalize_email(email))
    errors: Errors = {}
    try:
        user.full_clean(exclude=["password"])
    except ValidationError as exc:
        merge_errors(errors, exc)
    if not user.email:
        add_error(
            errors, "email", _("Enter an email address; password resets and invitations are sent there.")
        )
    # Usernames that differ only in case look the same to people; refuse the look-alike too.
    if (
        username
        and user_model.objects.filter(username__iexact=username).exists()
        and "username" not in errors
    ):
        add_error(errors, "username", _("This username is taken; choose another."))
    try:
        validate_password(password, user)
    except ValidationError as exc:
        errors.setdefault("password", []).extend(exc.messages)
    user.set_password(password)
    return user, errors


def user_create(user: User) -> None:
    """Save a validated new user and audit it as its own act (self-service sign-up)."""
    user.save()
    audit_record(
        actor=user, action=AuditAction.CREATE, obj=user, changes={"username": [None, user.get_username()]}
    )


def membership_create(*, actor: User, user: User, **fields: Any) -> Membership:
    membership = Membership(user=user, **fields)
    membership.full_clean()
    membership.save()
    changes = {
        "role": [None, membership.role],
        **{key: [None, getattr(value, "pk", value)] for key, value in fields.items() if key != "role"},
    }
    audit_record(actor=actor, action=AuditAction.CREATE, obj=membership, changes=changes)
    return membership


def raise_errors(errors: Errors) -> None:
    if errors:
        raise ValidationError(errors)


# --- enterprise self-registration ------------------------------------------------------------


@transaction.atomic
def enterprise_register(
    *,
    credit_code: str,
    name: str,
    region_code: str,
    industry_code: str,
    email: str,
    username: str,
    password: str,
) -> tuple[User, Enterprise]:
    """Sign up a user as the administrator of a new enterprise or of a registry entry nobody claimed.

    Identity is checked only by the exact registered name. Real verification of the person
    acting for the legal entity (法人 identity, e.g. through the e-licence or a bank transfer)
    is out of scope here; an operator can remove a wrongly claimed membership in admin, and the
    audit log shows who claimed what.
    """
    credit_code = credit_code.strip().upper()
    name = name.strip()
    errors: Errors = {}
    # Lock the row: two people claiming the same unclaimed enterprise at once must not both win.
    existing = Enterprise.objects.select_for_update().filter(credit_code=credit_code).first()
    if existing is not None:
        if Membership.objects.filter(enterprise=existing).exists():
            add_error(
                errors,
                "credit_code",
                _(
                    "This enterprise is already registered on the platform; ask your enterprise "
                    "administrator for an invitation."
                ),
            )
        elif existing.name != name:
            add_error(
                errors,
                "name",
                _(
                    "The name does not match the one registered for this credit code; enter it exactly "
                    "as on the business licence."
                ),
            )
    else:
        candidate = Enterprise(
            credit_code=credit_code, name=name, region_code=region_code, industry_code=industry_code
        )
        try:
            candidate.full_clean(validate_unique=False)
        except ValidationError as exc:
            merge_errors(errors, exc)
        if "region_code" not in errors:
            problem = county_region_problem(region_code)
            if problem:
                add_error(errors, "region_code", problem)
    user, user_errors = new_user_errors(username=username, email=email, password=password)
    for field, messages in user_errors.items():
        errors.setdefault(field, []).extend(messages)
    raise_errors(errors)

    user_create(user)
    if existing is None:
        enterprise = enterprise_create(
            acting_user=user,
            credit_code=credit_code,
            name=name,
            region_code=region_code,
            industry_code=industry_code,
        )
    else:
        enterprise = existing
    membership_create(
        actor=user, user=user, role=Role.ENTERPRISE, enterprise=enterprise, is_enterprise_admin=True
    )
    return user, enterprise


# --- colleague invitations -------------------------------------------------------------------


def _send_invitation_email(invitation: Invitation, link: str) -> None:
    context = {"invitation": invitation, "link": link, "days": INVITATION_LIFETIME.days}
    subject = render_to_string("accounts/email/invitation_subject.txt", context)
    body = render_to_string("accounts/email/invitation_body.txt", context)
    send_mail(" ".join(subject.split()), body, settings.DEFAULT_FROM_EMAIL, [invitation.email])


@transaction.atomic
def invitation_create(
    *,
    enterprise: Enterprise,
    email: str,
    invited_by: User,
    build_link: Callable[[str], str],
    now: dt.datetime | None = None,
) -> tuple[Invitation, str]:
    """Invite a colleague by email; return the invitation and its link, which is never stored.

    The email goes out after the commit, so a rolled-back invitation sends nothing.
    """
    now = now or timezone.now()
    email = BaseUserManager.normalize_email(email.strip())
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        enterprise=enterprise,
        email=email,
        token_hash=token_hash(token),
        invited_by=invited_by,
        expires_at=now + INVITATION_LIFETIME,
    )
    errors: Errors = {}
    try:
        invitation.full_clean()
    except ValidationError as exc:
        merge_errors(errors, exc)
    if Membership.objects.filter(enterprise=enterprise, user__email__iexact=email).exists():
        add_error(errors, "email", _("A member of your enterprise already uses this email address."))
    elif Invitation.objects.pending(now).filter(enterprise=enterprise, email__iexact=email).exists():
        add_error(
            errors,
            "email",
            _("This address already has a pending invitation; revoke it first to send a new one."),
        )
    raise_errors(errors)
    invitation.save()
    audit_record(
        actor=invited_by,
        action=AuditAction.CREATE,
        obj=invitation,
        changes={"email": [None, email], "expires_at": [None, invitation.expires_at.isoformat()]},
    )
    link = build_link(token)
    transaction.on_commit(lambda: _send_invitation_email(invitation, link))
    return invitation, link


@transaction.atomic
def invitation_revoke(
    *, invitation: Invitation, acting_user: AbstractBaseUser, now: dt.datetime | None = None
) -> Invitation:
    """Make an unused invitation's link stop working; revoking twice records nothing."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.revoked_at is not None:
        return invitation
    if invitation.accepted_at is not None:
        raise ValidationError(
            _("This invitation has already been accepted; remove the colleague instead."), code="accepted"
        )
    invitation.revoked_at = now or timezone.now()
    invitation.save(update_fields=["revoked_at"])
    audit_record(
        actor=acting_user,
        action=AuditAction.UPDATE,
        obj=invitation,
        changes={"revoked_at": [None, invitation.revoked_at.isoformat()]},
    )
    return invitation


@transaction.atomic
def invitation_accept(*, token: str, username: str, password: str, now: dt.datetime | None = None) -> User:
    """Create the invited colleague's account as a (non-admin) member of the inviting enterprise."""
    now = now or timezone.now()
    invitation = Invitation.objects.select_for_update().with_token(token).select_related("enterprise").first()
    if invitation is None:
        raise InvitationUnusable(None)
    state = invitation.state(now)
    if state != InvitationState.PENDING:
        raise InvitationUnusable(state)
    user, errors = new_user_errors(username=username, email=invitation.email, password=password)
    raise_errors(errors)
    user_create(user)
    membership_create(
        actor=user,
        user=user,
        role=Role.ENTERPRISE,
        enterprise=invitation.enterprise,
        is_enterprise_admin=False,
    )
    invitation.accepted_at = now
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    audit_record(
        actor=user,
        action=AuditAction.UPDATE,
        obj=invitation,
        changes={"accepted_at": [None, now.isoformat()], "accepted_by": [None, user.pk]},
    )
    return user


@transaction.atomic
def colleague_remove(*, membership: Membership, acting_user: AbstractBaseUser) -> None:
    """Take a colleague out of the enterprise: the membership goes and the account is deactivated.

    The account existed only for this enterprise; deactivating it also stops its API tokens.
    Administrators are not removed here (an enterprise must keep one): operators change them.
    """
    if membership.user_id == acting_user.pk:
        raise ValidationError(_("You cannot remove yourself."), code="self")
    if membership.is_enterprise_admin:
        raise ValidationError(
            _("Enterprise administrators are changed by the platform operator."), code="admin"
        )
    user = membership.user
    audit_record(
        actor=acting_user,
        action=AuditAction.DELETE,
        obj=membership,
        changes={
            "role": [membership.role, None],
            "enterprise": [membership.enterprise_id, None],
            "is_enterprise_admin": [membership.is_enterprise_admin, None],
        },
    )
    membership.delete()
    if user.is_active:
        user.is_active = False
        user.save(update_fields=["is_active"])
        audit_record(
            actor=acting_user, action=AuditAction.UPDATE, obj=user, changes={"is_active": [True, False]}
        )
