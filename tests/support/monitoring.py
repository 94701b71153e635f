"""The monitoring world: the two plans in the library, their targets proposed, officials of a province,
a city in it and another province, an enterprise user, and two reported values."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User

from engines.library.manifest import load_manifest
from funeng.apps.library.services import document_ingest
from funeng.apps.monitoring.models import MonitoringTarget
from funeng.apps.monitoring.services import targets_propose_from_library
from tests.support.personas import enterprise_admin, official

PLANS = ("zj-2020-digital-empowerment", "sc-2021-14th-digital-economy")


def plans_load() -> None:
    """Ingest only the two plans whose targets monitoring takes (faster than every seed)."""
    entries = {entry.id: entry for entry in load_manifest()}
    for slug in PLANS:
        entry = entries[slug]
        assert entry.text_path is not None
        document_ingest(
            actor=None,
            raw=entry.text_path.read_bytes(),
            slug=slug,
            filename=entry.text_path.name,
            metadata=entry.metadata,
            provisional=entry.provisional,
        )


@dataclass
class World:
    province: User  # 330000 浙江省
    city: User  # 330100 杭州市
    other: User  # 320000 江苏省
    alice: User  # an enterprise's administrator
    proposed: int

    def target(self, indicator: str, region: str = "330000") -> MonitoringTarget:
        return MonitoringTarget.objects.get(indicator_key=indicator, region_code=region)


def monitoring_world(enterprise_fields: Any) -> World:
    from funeng.apps.enterprises.services import enterprise_create

    plans_load()
    proposed = targets_propose_from_library()
    hangzhou = enterprise_create(acting_user=None, **enterprise_fields())
    return World(
        province=official("zj", "330000"),
        city=official("hz", "330100"),
        other=official("js", "320000"),
        alice=enterprise_admin("alice", hangzhou),
        proposed=proposed,
    )
