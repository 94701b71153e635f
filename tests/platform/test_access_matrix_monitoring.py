"""Role × monitoring target × action: officials read their region, below and above; they change their own and below.

Targets: Hangzhou's own (330100), Zhejiang's plan (330000), the national plan (000000) and Jiangsu's
(320000). Reading and changing go through access_target_for_user; a region's pages through
access_region_for_user.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from funeng.apps.consents.models import FinancialInstitution
from funeng.apps.core.const import Role
from funeng.apps.enterprises.services import enterprise_create
from funeng.apps.monitoring.access import access_region_for_user, access_target_for_user
from funeng.apps.monitoring.models import MonitoringTarget
from tests.support.personas import member

pytestmark = pytest.mark.django_db
ALLOW, HIDE, DENY = "allow", "404", "403"
REGIONS = ("330100", "330000", "000000", "320000")


@pytest.fixture
def world(enterprise_fields):
    for region in REGIONS:
        MonitoringTarget.objects.create(
            indicator_key="open_datasets", region_code=region, target_year=2025, target_value=Decimal(1)
        )
    a = enterprise_create(acting_user=None, **enterprise_fields(region_code="330106"))
    users = get_user_model().objects
    return {
        "admin": users.create_user("root", password="x" * 12, is_staff=True),
        "enterprise": member("ea", role=Role.ENTERPRISE, enterprise=a, is_enterprise_admin=True),
        "official_330100": member("gov_hz", role=Role.OFFICIAL, region_code="330100"),
        "official_330000": member("gov_zj", role=Role.OFFICIAL, region_code="330000"),
        "official_320100": member("gov_nj", role=Role.OFFICIAL, region_code="320100"),
        "bank": member("bank", role=Role.BANK, institution=FinancialInstitution.objects.create(name="银行")),
        "no_role": users.create_user("nobody", password="x" * 12),
        "anonymous": AnonymousUser(),
    }


def outcome(call) -> str:
    try:
        call()
    except Http404:
        return HIDE
    except PermissionDenied:
        return DENY
    return ALLOW


# persona → (read, change) of the targets of 330100, 330000, 000000, 320000
MATRIX = {
    "admin": ((ALLOW, ALLOW), (ALLOW, ALLOW), (ALLOW, ALLOW), (ALLOW, ALLOW)),
    "enterprise": ((DENY, DENY), (DENY, DENY), (DENY, DENY), (DENY, DENY)),
    "official_330100": ((ALLOW, ALLOW), (ALLOW, DENY), (ALLOW, DENY), (HIDE, HIDE)),
    "official_330000": ((ALLOW, ALLOW), (ALLOW, ALLOW), (ALLOW, DENY), (HIDE, HIDE)),
    "official_320100": ((HIDE, HIDE), (HIDE, HIDE), (ALLOW, DENY), (ALLOW, DENY)),
    "bank": ((DENY, DENY), (DENY, DENY), (DENY, DENY), (DENY, DENY)),
    "no_role": ((DENY, DENY), (DENY, DENY), (DENY, DENY), (DENY, DENY)),
    "anonymous": ((DENY, DENY), (DENY, DENY), (DENY, DENY), (DENY, DENY)),
}


@pytest.mark.parametrize("persona", list(MATRIX))
def test_monitoring_access_follows_the_matrix(world, persona):
    user = world[persona]
    got = []
    for region in REGIONS:
        pk = MonitoringTarget.objects.get(region_code=region).pk
        got.append(
            (
                outcome(lambda pk=pk: access_target_for_user(user, pk)),
                outcome(lambda pk=pk: access_target_for_user(user, pk, write=True)),
            )
        )
    assert tuple(got) == MATRIX[persona]
    # A region's pages: the same as reading its targets. Writing for a region (reporting a value)
    # is allowed where changing its targets is; a region one may only read is then not found.
    for region, (read, change) in zip(REGIONS, MATRIX[persona], strict=True):
        assert outcome(lambda r=region: access_region_for_user(user, r)) == read
        write = ALLOW if change == ALLOW else (HIDE if read == ALLOW else read)
        assert outcome(lambda r=region: access_region_for_user(user, r, write=True)) == write
