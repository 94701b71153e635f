"""Role × designation entry × action: own enterprise, own region, operators; the case library for all.

Entries: a Hangzhou (330106) application, a Nanjing (320102) one, and an approved Nanjing benchmark
(a case-library kind, so every signed-in user reads it). Actions: read, act (write=True: decide or
withdraw), decide.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from funeng.apps.designations.access import access_entry_for_user, can_decide, entries_visible_to
from funeng.apps.designations.services import designation_decide, designation_nominate
from tests.support.personas import cast

pytestmark = pytest.mark.django_db
ALLOW, HIDE, DENY = "allow", "404", "403"


@pytest.fixture
def world(enterprise_fields):
    people = cast(enterprise_fields)
    admin = people["admin"]
    hz = designation_nominate(actor=admin, enterprise=people["a"], kind="cloud_benchmark", title="杭州上云")
    nj = designation_nominate(
        actor=admin, enterprise=people["b"], kind="future_factory", title="南京未来工厂"
    )
    case = designation_nominate(actor=admin, enterprise=people["b"], kind="dt_benchmark", title="南京标杆")
    designation_decide(actor=admin, entry=case, approve=True)
    people["entries"] = {"hz": hz, "nj": nj, "case": case}
    people["anonymous"] = AnonymousUser()
    return people


def outcome(call) -> str:
    try:
        call()
    except Http404:
        return HIDE
    except PermissionDenied:
        return DENY
    return ALLOW


# persona → (read, act) for hz, nj, case; then can_decide for hz, nj
MATRIX = {
    "admin": ((ALLOW, ALLOW), (ALLOW, ALLOW), (ALLOW, ALLOW), (True, True)),
    "enterprise_a": ((ALLOW, ALLOW), (HIDE, HIDE), (ALLOW, DENY), (False, False)),
    "enterprise_a_colleague": ((ALLOW, ALLOW), (HIDE, HIDE), (ALLOW, DENY), (False, False)),
    "enterprise_b": ((HIDE, HIDE), (ALLOW, ALLOW), (ALLOW, ALLOW), (False, False)),
    "official": ((ALLOW, ALLOW), (HIDE, HIDE), (ALLOW, DENY), (True, False)),
    "official_province": ((ALLOW, ALLOW), (HIDE, HIDE), (ALLOW, DENY), (True, False)),
    "official_b": ((HIDE, HIDE), (ALLOW, ALLOW), (ALLOW, ALLOW), (False, True)),
    "banker": ((HIDE, HIDE), (HIDE, HIDE), (ALLOW, DENY), (False, False)),
    "provider": ((HIDE, HIDE), (HIDE, HIDE), (ALLOW, DENY), (False, False)),
    "outsider": ((HIDE, HIDE), (HIDE, HIDE), (ALLOW, DENY), (False, False)),
    "anonymous": ((HIDE, HIDE), (HIDE, HIDE), (HIDE, HIDE), (False, False)),
}


@pytest.mark.parametrize("persona", list(MATRIX))
def test_designation_access_follows_the_matrix(world, persona):
    user = world[persona]
    entries = world["entries"]
    got = tuple(
        (
            outcome(lambda e=entry: access_entry_for_user(user, e.pk)),
            outcome(lambda e=entry: access_entry_for_user(user, e.pk, write=True)),
        )
        for entry in entries.values()
    )
    decide = (can_decide(user, entries["hz"]), can_decide(user, entries["nj"]))
    assert (*got, decide) == MATRIX[persona]


@pytest.mark.parametrize("persona", list(MATRIX))
def test_the_visible_set_agrees_with_the_single_lookups(world, persona):
    user = world[persona]
    visible = set(entries_visible_to(user).values_list("pk", flat=True))
    readable = {
        e.pk
        for e in world["entries"].values()
        if outcome(lambda e=e: access_entry_for_user(user, e.pk)) == ALLOW
    }
    assert visible == readable
