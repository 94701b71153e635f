"""The people of the tests, one module for every app: Alice owns, Bob is her colleague, Charlie is refused.

Each role has its persona (an enterprise's administrator and colleague, another enterprise's
administrator, a provider, a bank, officials of a city, its province and another city, an
operator, a user with no role); the worlds of each app (tests/support/<app>.py) are built from
these helpers, so a persona is created the same way everywhere.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User

from funeng.apps.consents.models import FinancialInstitution
from funeng.apps.core.const import Role
from funeng.apps.core.models import Membership
from funeng.apps.enterprises.models import Enterprise
from funeng.apps.enterprises.services import enterprise_create
from funeng.apps.providers.const import VettingState
from funeng.apps.providers.models import Provider

PASSWORD = "x" * 12


def person(username: str, *, password: str = PASSWORD, **fields: Any) -> User:
    """A user with no role (Charlie, who must be refused), or staff/superuser through `fields`."""
    user: User = get_user_model().objects.create_user(username, password=password, **fields)
    return user


def member(username: str, *, password: str = PASSWORD, email: str = "", **membership: Any) -> User:
    """A user who acts for a tenant: `role` and its enterprise, provider, institution or region_code."""
    user = person(username, password=password, email=email)
    Membership.objects.create(user=user, **membership)
    return user


def enterprise_admin(username: str, enterprise: Enterprise, **fields: Any) -> User:
    """Alice: the administrator of her enterprise."""
    return member(username, role=Role.ENTERPRISE, enterprise=enterprise, is_enterprise_admin=True, **fields)


def colleague(username: str, enterprise: Enterprise, **fields: Any) -> User:
    """Bob: a member of Alice's enterprise who is not its administrator."""
    return member(username, role=Role.ENTERPRISE, enterprise=enterprise, **fields)


def official(username: str, region_code: str, **fields: Any) -> User:
    """An official of a province ("330000") or a city ("330100")."""
    return member(username, role=Role.OFFICIAL, region_code=region_code, **fields)


def banker(username: str, institution: FinancialInstitution, **fields: Any) -> User:
    return member(username, role=Role.BANK, institution=institution, **fields)


def provider_user(username: str, provider: Provider, **fields: Any) -> User:
    return member(username, role=Role.PROVIDER, provider=provider, **fields)


def approved_provider(
    name: str = "服务商", credit_code: str = "91330106MA2H7K1N3G", region_code: str = "330106"
) -> Provider:
    return Provider.objects.create(
        name=name, credit_code=credit_code, region_code=region_code, vetting_state=VettingState.APPROVED
    )


def two_enterprises(enterprise_fields: Any, **a_figures: Any) -> tuple[Enterprise, Enterprise]:
    """A: a Hangzhou manufacturer (330106); B: a Nanjing software firm (320102)."""
    a = enterprise_create(
        acting_user=None,
        **enterprise_fields(name="杭州甲精密机械有限公司", region_code="330106", **a_figures),
    )
    b = enterprise_create(
        acting_user=None,
        **enterprise_fields(name="南京乙软件有限公司", region_code="320102", industry_code="6513"),
    )
    return a, b


def cast(enterprise_fields: Any, **a_figures: Any) -> dict[str, Any]:
    """The usual world: A and B, two banks, a provider, and a person of every role around them."""
    a, b = two_enterprises(enterprise_fields, **a_figures)
    bank = FinancialInstitution.objects.create(name="甲银行杭州分行")
    other_bank = FinancialInstitution.objects.create(name="乙银行南京分行")
    provider = approved_provider()
    return {
        "a": a,
        "b": b,
        "bank": bank,
        "other_bank": other_bank,
        "provider_org": provider,
        "enterprise_a": enterprise_admin("ea", a),
        "enterprise_a_colleague": colleague("ea2", a),
        "enterprise_b": enterprise_admin("eb", b),
        "official": official("gov_hz", "330100"),
        "official_province": official("gov_zj", "330000"),
        "official_b": official("gov_nj", "320100"),
        "banker": banker("banker", bank),
        "banker_colleague": banker("banker2", bank),
        "other_banker": banker("other_banker", other_bank),
        "provider": provider_user("prov", provider),
        "admin": person("alice_operator", is_staff=True),
        "outsider": person("charlie"),
    }
