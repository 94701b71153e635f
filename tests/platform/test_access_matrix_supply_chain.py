"""Role × supply-chain object × action: the three parties of a receivable, and everyone who must be refused.

World (tests/support/supply_chain.py): A (Hangzhou) supplies B (Nanjing). One receivable of A on B is
submitted (not yet offered to any bank); a second is confirmed and offered to 甲银行 (banker and
banker_colleague), not to 乙银行 (other_banker). The Hangzhou official listed A in the financing
directory twice; the second entry is withdrawn. Actions: read (404 when unseen), write (403 when seen
but not one's to manage), and the yes/no checks of each step and of the region's totals.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from funeng.apps.supply_chain.access import (
    access_listing_for_user,
    access_receivable_for_user,
    can_answer,
    can_decide,
    can_offer,
    can_see_region_counts,
    can_settle,
    listings_visible_to,
    receivables_visible_to,
)
from funeng.apps.supply_chain.services import listing_withdraw
from tests.support.supply_chain import listed, make_world, offered, submit

pytestmark = pytest.mark.django_db
ALLOW, HIDE, DENY = "allow", "404", "403"


@pytest.fixture
def world(enterprise_fields, frozen_today):
    people = make_world(enterprise_fields)
    people["submitted"] = submit(people, invoice_number="A-1")
    people["offered"] = offered(people, invoice_number="A-2")
    people["listing"] = listed(people)
    people["withdrawn"] = listing_withdraw(actor=people["official"], listing=listed(people, title="已撤回"))
    return people


def outcome(call) -> str:
    try:
        call()
    except Http404:
        return HIDE
    except PermissionDenied:
        return DENY
    return ALLOW


# persona → submitted read; offered read; listing read, write; withdrawn listing read;
# then booleans: may confirm the submitted one, may offer / decide / settle the offered one, region totals
MATRIX = {
    "enterprise_a": (ALLOW, ALLOW, ALLOW, DENY, ALLOW, False, False, False, False, False),
    "enterprise_a_colleague": (ALLOW, ALLOW, ALLOW, DENY, ALLOW, False, False, False, False, False),
    "enterprise_b": (ALLOW, ALLOW, ALLOW, DENY, HIDE, True, False, False, False, False),
    "enterprise_c": (HIDE, HIDE, ALLOW, DENY, HIDE, False, False, False, False, False),
    "banker": (HIDE, ALLOW, ALLOW, DENY, HIDE, False, False, True, False, False),
    "banker_colleague": (HIDE, ALLOW, ALLOW, DENY, HIDE, False, False, True, False, False),
    "other_banker": (HIDE, HIDE, ALLOW, DENY, HIDE, False, False, False, False, False),
    "official": (HIDE, HIDE, ALLOW, ALLOW, ALLOW, False, False, False, False, True),
    "official_province": (HIDE, HIDE, ALLOW, ALLOW, ALLOW, False, False, False, False, True),
    "official_b": (HIDE, HIDE, ALLOW, DENY, HIDE, False, False, False, False, True),
    "provider": (HIDE, HIDE, ALLOW, DENY, HIDE, False, False, False, False, False),
    "admin": (ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, False, False, False, False, True),
    "outsider": (HIDE, HIDE, HIDE, HIDE, HIDE, False, False, False, False, False),
    "anonymous": (HIDE, HIDE, HIDE, HIDE, HIDE, False, False, False, False, False),
}


@pytest.mark.parametrize("persona", list(MATRIX))
def test_supply_chain_access_follows_the_matrix(world, persona):
    user = world[persona]
    submitted, offered_one = world["submitted"], world["offered"]
    listing, withdrawn = world["listing"], world["withdrawn"]
    got = (
        outcome(lambda: access_receivable_for_user(user, submitted.pk)),
        outcome(lambda: access_receivable_for_user(user, offered_one.pk)),
        outcome(lambda: access_listing_for_user(user, listing.pk)),
        outcome(lambda: access_listing_for_user(user, listing.pk, write=True)),
        outcome(lambda: access_listing_for_user(user, withdrawn.pk)),
        can_answer(user, submitted),
        can_offer(user, offered_one),
        can_decide(user, offered_one),
        can_settle(user, offered_one),
        can_see_region_counts(user),
    )
    assert got == MATRIX[persona]


@pytest.mark.parametrize("persona", list(MATRIX))
def test_the_visible_sets_agree_with_the_single_lookups(world, persona):
    user = world[persona]
    checks = [
        (receivables_visible_to, access_receivable_for_user, [world["submitted"], world["offered"]]),
        (listings_visible_to, access_listing_for_user, [world["listing"], world["withdrawn"]]),
    ]
    for visible_to, access, objects in checks:
        visible = set(visible_to(user).values_list("pk", flat=True)) & {o.pk for o in objects}
        readable = {o.pk for o in objects if outcome(lambda o=o, access=access: access(user, o.pk)) == ALLOW}
        assert visible == readable, visible_to.__name__


@pytest.mark.parametrize(
    "persona", ["enterprise_c", "other_banker", "official", "official_b", "provider", "outsider"]
)
def test_the_receivable_pages_and_api_answer_404_to_everyone_but_the_parties(world, persona, client):
    client.force_login(world[persona])
    for receivable in (world["submitted"], world["offered"]):
        assert client.get(f"/supply-chain/receivables/{receivable.pk}/").status_code == 404
        assert client.get(f"/api/v1/supply-chain/receivables/{receivable.pk}").status_code == 404
        assert client.post(f"/supply-chain/receivables/{receivable.pk}/confirm/", {}).status_code == 404
