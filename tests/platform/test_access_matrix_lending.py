"""Role × lending object × action: the applicant, the lender, officials of the region, and everyone refused.

World: A (Hangzhou) applied for 甲银行's 云量贷 twice: one application is open, the other approved into a
loan. 乙银行 (other_banker) has a product of its own, closed for applications. Actions: read (404 when
unseen), write (403 when seen but not one's to change), and the yes/no checks of each step.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from funeng.apps.lending.access import (
    access_application_for_user,
    access_loan_for_user,
    access_product_for_user,
    applications_visible_to,
    can_apply,
    can_approve_subsidy,
    can_decide,
    can_withdraw,
    loans_visible_to,
    products_visible_to,
)
from funeng.apps.lending.services import application_decide, application_submit, product_save
from tests.support.personas import cast

pytestmark = pytest.mark.django_db
ALLOW, HIDE, DENY = "allow", "404", "403"


def _product(people, bank: str, actor: str, name: str, active: bool):
    return product_save(
        actor=people[actor],
        institution=people[bank],
        data={
            "name": name,
            "kind": "cloud_credit",
            "annual_rate": Decimal("3.6"),
            "min_amount_cny": Decimal(10_000),
            "max_amount_cny": Decimal(1_000_000),
            "term_months": 24,
            "required_categories": ["profile", "financials"],
            "active": active,
        },
    )


@pytest.fixture
def world(enterprise_fields):
    people = cast(enterprise_fields)
    people["anonymous"] = AnonymousUser()
    people["product"] = _product(people, "bank", "banker", "云量贷", True)
    people["closed"] = _product(people, "other_bank", "other_banker", "已停售", False)
    other = _product(people, "bank", "banker", "普惠贷", True)

    def apply(product):
        return application_submit(
            actor=people["enterprise_a"],
            product=product,
            amount=Decimal(100_000),
            term_months=12,
            purpose="设备",
        )

    people["open"] = apply(people["product"])
    decided = apply(other)
    application_decide(
        actor=people["banker"],
        application=decided,
        decision="approve",
        amount=Decimal(100_000),
        rate=Decimal("3.6"),
    )
    people["loan"] = decided.loan
    return people


def outcome(call) -> str:
    try:
        call()
    except Http404:
        return HIDE
    except PermissionDenied:
        return DENY
    return ALLOW


# persona → product read, write; closed product read; application read; loan read, write (repayment);
# then booleans: may apply, may decide, may withdraw, may approve the region's subsidy
MATRIX = {
    "enterprise_a": (ALLOW, DENY, HIDE, ALLOW, ALLOW, DENY, True, False, True, False),
    "enterprise_a_colleague": (ALLOW, DENY, HIDE, ALLOW, ALLOW, DENY, False, False, False, False),
    "enterprise_b": (ALLOW, DENY, HIDE, HIDE, HIDE, HIDE, True, False, False, False),
    "banker": (ALLOW, ALLOW, HIDE, ALLOW, ALLOW, ALLOW, False, True, False, False),
    "banker_colleague": (ALLOW, ALLOW, HIDE, ALLOW, ALLOW, ALLOW, False, True, False, False),
    "other_banker": (HIDE, HIDE, ALLOW, HIDE, HIDE, HIDE, False, False, False, False),
    "official": (ALLOW, DENY, HIDE, HIDE, ALLOW, DENY, False, False, False, True),
    "official_province": (ALLOW, DENY, HIDE, HIDE, ALLOW, DENY, False, False, False, True),
    "official_b": (ALLOW, DENY, HIDE, HIDE, HIDE, HIDE, False, False, False, True),
    "provider": (ALLOW, DENY, HIDE, HIDE, HIDE, HIDE, False, False, False, False),
    "admin": (ALLOW, DENY, ALLOW, ALLOW, ALLOW, DENY, False, False, False, True),
    "outsider": (ALLOW, DENY, HIDE, HIDE, HIDE, HIDE, False, False, False, False),
    "anonymous": (HIDE, HIDE, HIDE, HIDE, HIDE, HIDE, False, False, False, False),
}


@pytest.mark.parametrize("persona", list(MATRIX))
def test_lending_access_follows_the_matrix(world, persona):
    user = world[persona]
    product, closed, application, loan = world["product"], world["closed"], world["open"], world["loan"]
    got = (
        outcome(lambda: access_product_for_user(user, product.pk)),
        outcome(lambda: access_product_for_user(user, product.pk, write=True)),
        outcome(lambda: access_product_for_user(user, closed.pk)),
        outcome(lambda: access_application_for_user(user, application.pk)),
        outcome(lambda: access_loan_for_user(user, loan.pk)),
        outcome(lambda: access_loan_for_user(user, loan.pk, write=True)),
        can_apply(user),
        can_decide(user, application),
        can_withdraw(user, application),
        can_approve_subsidy(user),
    )
    assert got == MATRIX[persona]


@pytest.mark.parametrize("persona", list(MATRIX))
def test_the_visible_sets_agree_with_the_single_lookups(world, persona):
    user = world[persona]
    checks = [
        (products_visible_to, access_product_for_user, [world["product"], world["closed"]]),
        (applications_visible_to, access_application_for_user, [world["open"]]),
        (loans_visible_to, access_loan_for_user, [world["loan"]]),
    ]
    for visible_to, access, objects in checks:
        visible = set(visible_to(user).values_list("pk", flat=True)) & {o.pk for o in objects}
        readable = {o.pk for o in objects if outcome(lambda o=o, access=access: access(user, o.pk)) == ALLOW}
        assert visible == readable, visible_to.__name__


@pytest.mark.parametrize(
    "persona", ["enterprise_b", "other_banker", "official", "official_b", "provider", "outsider"]
)
def test_the_application_page_and_api_answer_404_to_everyone_but_the_two_parties(world, persona, client):
    client.force_login(world[persona])
    application = world["open"]
    assert client.get(f"/lending/applications/{application.pk}/").status_code == 404
    assert client.get(f"/api/v1/lending/applications/{application.pk}").status_code == 404
    assert (
        client.post(f"/lending/applications/{application.pk}/decide/", {"decision": "approve"}).status_code
        == 404
    )
