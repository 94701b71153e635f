"""Who may see or change which enterprise; every view, export and API call goes through here.

Not visible → Http404 (existence is not revealed); visible but not allowed → PermissionDenied.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from engines.reference.regions import region_prefix
from funeng.apps.consents.categories import ALL_CATEGORIES, PROFILE
from funeng.apps.consents.models import Consent
from funeng.apps.core.const import Role
from funeng.apps.core.identity import is_platform_admin, membership_of
from funeng.apps.enterprises.fields import EDITABLE_FIELDS
from funeng.apps.enterprises.models import Enterprise

User = AbstractBaseUser | AnonymousUser
# Registration identity comes from the business licence; only operators correct it. Letting an
# enterprise change region_code would also move it out of its official's scope.
IDENTITY_FIELDS = frozenset({"credit_code", "name", "region_code"})


def enterprises_visible_to(user: User) -> QuerySet[Enterprise]:
    """The enterprises a user may list."""
    if is_platform_admin(user):
        return Enterprise.objects.all()
    membership = membership_of(user)
    if membership is None:
        return Enterprise.objects.none()
    if membership.role == Role.ENTERPRISE and membership.enterprise_id is not None:
        return Enterprise.objects.filter(id=membership.enterprise_id)
    if membership.role == Role.OFFICIAL:
        return Enterprise.objects.filter(region_code__startswith=region_prefix(membership.region_code))
    if membership.role == Role.BANK and membership.institution_id is not None:
        # Banks read only under consent, category by category, with every read logged; an
        # expired or revoked consent hides the enterprise at once.
        consented = Consent.objects.active().filter(institution_id=membership.institution_id)
        return Enterprise.objects.filter(pk__in=consented.values("enterprise_id"))
    return Enterprise.objects.none()


def enterprises_profile_visible_to(user: User) -> QuerySet[Enterprise]:
    """The visible enterprises whose registration profile (region, industry, size) the user may read.

    Filtering a list by those fields would reveal them, so filters run over this set.
    """
    membership = membership_of(user)
    if is_platform_admin(user) or membership is None or membership.role != Role.BANK:
        return enterprises_visible_to(user)
    consented = Consent.objects.active().filter(institution_id=membership.institution_id)
    # Categories are a JSON list; SQLite has no JSON containment lookup, and one institution's
    # active consents are few, so they are checked here.
    ids = {
        pk for pk, categories in consented.values_list("enterprise_id", "categories") if PROFILE in categories
    }
    return Enterprise.objects.filter(pk__in=ids)


def enterprise_categories_readable_by(user: User, enterprise: Enterprise) -> frozenset[str]:
    """The data categories of this enterprise the user may read (DataCategory values)."""
    return enterprises_categories_readable_by(user, [enterprise]).get(enterprise.pk, frozenset())


def enterprises_categories_readable_by(
    user: User, enterprises: Iterable[Enterprise]
) -> dict[int, frozenset[str]]:
    """Readable categories per enterprise id, in at most one query (for list pages)."""
    enterprises = list(enterprises)
    if is_platform_admin(user):
        return {e.pk: ALL_CATEGORIES for e in enterprises}
    membership = membership_of(user)
    if membership is None:
        return {}
    if membership.role == Role.ENTERPRISE:
        return {e.pk: ALL_CATEGORIES for e in enterprises if e.pk == membership.enterprise_id}
    if membership.role == Role.OFFICIAL:
        prefix = region_prefix(membership.region_code)
        return {e.pk: ALL_CATEGORIES for e in enterprises if e.region_code.startswith(prefix)}
    if membership.role == Role.BANK and membership.institution_id is not None:
        readable: dict[int, set[str]] = {}
        consents = Consent.objects.active().filter(
            institution_id=membership.institution_id, enterprise_id__in=[e.pk for e in enterprises]
        )
        for enterprise_id, categories in consents.values_list("enterprise_id", "categories"):
            readable.setdefault(enterprise_id, set()).update(set(categories) & ALL_CATEGORIES)
        return {pk: frozenset(categories) for pk, categories in readable.items()}
    return {}


def enterprise_fields_writable_by(user: User, enterprise: Enterprise) -> frozenset[str]:
    """The editable fields this user may change on this (visible) enterprise.

    Within an enterprise only its administrator edits the figures; the colleagues they invite view
    them. The figures feed size class, policy eligibility and bank reads, so one person answers for them.
    """
    if is_platform_admin(user):
        return frozenset(EDITABLE_FIELDS)
    membership = membership_of(user)
    if membership is None:
        return frozenset()
    if (
        membership.role == Role.ENTERPRISE
        and membership.enterprise_id == enterprise.pk
        and membership.is_enterprise_admin
    ):
        return frozenset(EDITABLE_FIELDS) - IDENTITY_FIELDS
    return frozenset()


def is_colleague_of(user: User, enterprise: Enterprise) -> bool:
    """Whether the user is a member of this enterprise who is not its administrator."""
    membership = membership_of(user)
    return (
        membership is not None
        and membership.role == Role.ENTERPRISE
        and membership.enterprise_id == enterprise.pk
        and not membership.is_enterprise_admin
    )


def _checked_for_write(user: User, enterprise: Enterprise, *, write: bool) -> Enterprise:
    if write and not enterprise_fields_writable_by(user, enterprise):
        raise PermissionDenied
    return enterprise


def access_enterprise_for_user(user: User, enterprise_id: int, *, write: bool = False) -> Enterprise:
    """Return the enterprise if the user may see it (and change it, with write=True)."""
    enterprise = enterprises_visible_to(user).filter(pk=enterprise_id).first()
    if enterprise is None:
        raise Http404
    return _checked_for_write(user, enterprise, write=write)


def access_enterprise_by_credit_code(user: User, credit_code: str, *, write: bool = False) -> Enterprise:
    """The same check, looked up by 统一社会信用代码."""
    enterprise = enterprises_visible_to(user).filter(credit_code=credit_code.upper()).first()
    if enterprise is None:
        raise Http404
    return _checked_for_write(user, enterprise, write=write)


def can_import_enterprises(user: User) -> bool:
    """Bulk import writes many enterprises at once: platform administrators only."""
    return is_platform_admin(user)


def can_export_enterprises(user: User) -> bool:
    """Administrators export everything; officials export their own region."""
    if is_platform_admin(user):
        return True
    membership = membership_of(user)
    return membership is not None and membership.role == Role.OFFICIAL


def can_manage_enterprise_claims(user: User, enterprise: Enterprise) -> bool:
    """Whether the user decides who may act for this enterprise (claim codes, claim reviews).

    Operators, and the officials of its region: their promotion centre knows the enterprise
    through its own channels (the registered address, the contact on record).
    """
    if is_platform_admin(user):
        return True
    membership = membership_of(user)
    if membership is None or membership.role != Role.OFFICIAL or not membership.region_code:
        return False
    return enterprise.region_code.startswith(region_prefix(membership.region_code))
