"""Role × shared-workforce object × action: the parties, the worker, and everyone who must be refused.

World (tests/support/workforce.py): A (Hangzhou) lends worker Wang, who has his own login, to B
(Nanjing) under a proposed agreement; C is an unrelated enterprise. A's surplus post is open, B's
demand post is open and a second one of B's is closed. Actions: read (404 when unseen), write
(403 when seen but not the owner's), and the yes/no checks: personal data, matches, the worker's answer.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from funeng.apps.shared_workforce.access import (
    access_agreement_for_user,
    access_demand_for_user,
    access_matches_for_user,
    access_surplus_for_user,
    access_worker_for_user,
    agreements_visible_to,
    can_answer,
    can_see_personal_data,
    can_see_region_counts,
    demand_posts_visible_to,
    sees_worker_of,
    surplus_posts_visible_to,
    workers_visible_to,
)
from funeng.apps.shared_workforce.services import demand_post_create, post_close
from tests.support.workforce import make_world, propose

pytestmark = pytest.mark.django_db
ALLOW, HIDE, DENY = "allow", "404", "403"


@pytest.fixture
def world(enterprise_fields):
    people = make_world(enterprise_fields)
    people["agreement"] = propose(people)
    old = demand_post_create(
        actor=people["enterprise_b"],
        enterprise=people["b"],
        title="旧需求",
        skills=["welder"],
        headcount=1,
        starts_on=people["demand"].starts_on,
        ends_on=people["demand"].ends_on,
        place="南京",
    )
    people["closed_demand"] = post_close(actor=people["enterprise_b"], post=old)
    people["worker"] = people["worker_user"]
    return people


def outcome(call) -> str:
    try:
        call()
    except Http404:
        return HIDE
    except PermissionDenied:
        return DENY
    return ALLOW


# persona → agreement read; worker read, write; surplus read, write; demand read, write;
# closed demand read; matches; then booleans: personal data of Wang, sees the worker on the agreement,
# may answer, region counts
MATRIX = {
    "enterprise_a": (ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, DENY, HIDE, DENY, True, True, False, False),
    "enterprise_a_colleague": (
        ALLOW,
        ALLOW,
        ALLOW,
        ALLOW,
        ALLOW,
        ALLOW,
        DENY,
        HIDE,
        DENY,
        True,
        True,
        False,
        False,
    ),
    "worker": (ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, DENY, HIDE, DENY, True, True, True, False),
    "enterprise_b": (ALLOW, ALLOW, DENY, ALLOW, DENY, ALLOW, ALLOW, ALLOW, ALLOW, True, True, False, False),
    "enterprise_c": (HIDE, HIDE, HIDE, ALLOW, DENY, ALLOW, DENY, HIDE, DENY, False, False, False, False),
    "official": (HIDE, HIDE, HIDE, HIDE, HIDE, HIDE, HIDE, HIDE, HIDE, False, False, False, True),
    "official_b": (HIDE, HIDE, HIDE, HIDE, HIDE, HIDE, HIDE, HIDE, HIDE, False, False, False, True),
    "provider": (HIDE, HIDE, HIDE, HIDE, HIDE, HIDE, HIDE, HIDE, HIDE, False, False, False, False),
    "banker": (HIDE, HIDE, HIDE, HIDE, HIDE, HIDE, HIDE, HIDE, HIDE, False, False, False, False),
    "admin": (ALLOW, ALLOW, DENY, ALLOW, DENY, ALLOW, DENY, ALLOW, ALLOW, False, False, False, True),
    "outsider": (HIDE, HIDE, HIDE, HIDE, HIDE, HIDE, HIDE, HIDE, HIDE, False, False, False, False),
    "anonymous": (HIDE, HIDE, HIDE, HIDE, HIDE, HIDE, HIDE, HIDE, HIDE, False, False, False, False),
}


@pytest.mark.parametrize("persona", list(MATRIX))
def test_workforce_access_follows_the_matrix(world, persona):
    user = world[persona]
    agreement, wang = world["agreement"], world["wang"]
    surplus, demand, closed = world["surplus"], world["demand"], world["closed_demand"]
    got = (
        outcome(lambda: access_agreement_for_user(user, agreement.pk)),
        outcome(lambda: access_worker_for_user(user, wang.pk)),
        outcome(lambda: access_worker_for_user(user, wang.pk, write=True)),
        outcome(lambda: access_surplus_for_user(user, surplus.pk)),
        outcome(lambda: access_surplus_for_user(user, surplus.pk, write=True)),
        outcome(lambda: access_demand_for_user(user, demand.pk)),
        outcome(lambda: access_demand_for_user(user, demand.pk, write=True)),
        outcome(lambda: access_demand_for_user(user, closed.pk)),
        outcome(lambda: access_matches_for_user(user, demand.pk)),
        can_see_personal_data(user, wang),
        sees_worker_of(user, agreement),
        can_answer(user, agreement),
        can_see_region_counts(user),
    )
    assert got == MATRIX[persona]


@pytest.mark.parametrize("persona", list(MATRIX))
def test_the_visible_sets_agree_with_the_single_lookups(world, persona):
    user = world[persona]
    checks = [
        (agreements_visible_to, access_agreement_for_user, [world["agreement"]]),
        (workers_visible_to, access_worker_for_user, [world["wang"], world["li"]]),
        (surplus_posts_visible_to, access_surplus_for_user, [world["surplus"]]),
        (demand_posts_visible_to, access_demand_for_user, [world["demand"], world["closed_demand"]]),
    ]
    for visible_to, access, objects in checks:
        visible = set(visible_to(user).values_list("pk", flat=True)) & {o.pk for o in objects}
        readable = {o.pk for o in objects if outcome(lambda o=o, access=access: access(user, o.pk)) == ALLOW}
        assert visible == readable, visible_to.__name__
