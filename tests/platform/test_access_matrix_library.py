"""Role × library document × action: every signed-in user reads; officials manage their region's documents.

Documents: a Hangzhou (330100) plan, a Zhejiang (330000) one and a national one. Managing covers
re-ingesting, editing metadata and confirming rule links, all through access_document_for_user(write=True).
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from engines.library.model import Metadata
from funeng.apps.consents.models import FinancialInstitution
from funeng.apps.core.const import Role
from funeng.apps.enterprises.services import enterprise_create
from funeng.apps.library.access import access_clause_for_user, access_document_for_user, can_manage_library
from funeng.apps.library.services import document_ingest
from tests.support.library import PLAN_V1
from tests.support.personas import member

pytestmark = pytest.mark.django_db
ALLOW, HIDE, DENY = "allow", "404", "403"
DOCUMENTS = {"hz": "330100", "zj": "330000", "cn": ""}


@pytest.fixture
def world(enterprise_fields):
    for slug, region in DOCUMENTS.items():
        document_ingest(actor=None, raw=PLAN_V1.encode(), slug=slug, metadata=Metadata(region_code=region))
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


# persona → (read, manage) for each of hz, zj, cn; then may they add documents at all
MATRIX = {
    "admin": ((ALLOW, ALLOW), (ALLOW, ALLOW), (ALLOW, ALLOW), True),
    "enterprise": ((ALLOW, DENY), (ALLOW, DENY), (ALLOW, DENY), False),
    "official_330100": ((ALLOW, ALLOW), (ALLOW, DENY), (ALLOW, DENY), True),
    "official_330000": ((ALLOW, ALLOW), (ALLOW, ALLOW), (ALLOW, DENY), True),
    "official_320100": ((ALLOW, DENY), (ALLOW, DENY), (ALLOW, DENY), True),
    "bank": ((ALLOW, DENY), (ALLOW, DENY), (ALLOW, DENY), False),
    "no_role": ((ALLOW, DENY), (ALLOW, DENY), (ALLOW, DENY), False),
    "anonymous": ((HIDE, HIDE), (HIDE, HIDE), (HIDE, HIDE), False),
}


@pytest.mark.parametrize("persona", list(MATRIX))
def test_library_access_follows_the_matrix(world, persona):
    user = world[persona]
    got = tuple(
        (
            outcome(lambda s=slug: access_document_for_user(user, s)),
            outcome(lambda s=slug: access_document_for_user(user, s, write=True)),
        )
        for slug in DOCUMENTS
    )
    assert (*got, can_manage_library(user)) == MATRIX[persona]
    clause = outcome(lambda: access_clause_for_user(user, "hz/二/(一)/2"))
    assert clause == (HIDE if persona == "anonymous" else ALLOW)
