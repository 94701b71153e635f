"""The designations world: the usual cast (tests/support/personas.py) and two solutions of its provider."""

from __future__ import annotations

import pytest
from django.utils import timezone

from funeng.apps.matching.const import SolutionStatus
from funeng.apps.matching.models import Solution
from tests.support.personas import cast


@pytest.fixture
def world(enterprise_fields, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    people = cast(enterprise_fields)
    provider = people["provider_org"]
    people["published"] = Solution.objects.create(
        provider=provider,
        title="注塑车间MES生产执行系统",
        status=SolutionStatus.PUBLISHED,
        published_at=timezone.now(),
    )
    people["draft"] = Solution.objects.create(
        provider=provider, title="草稿方案", status=SolutionStatus.DRAFT
    )
    return people
