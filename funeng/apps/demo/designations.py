"""Demo designations: listings of every kind over 2020–2026 for the demo region's Zhejiang enterprises.

Everything is invented and deterministic by seed. Most entries are approved (some have since exited,
动态调整), a few are rejected, and a few applications wait in demo_official's queue (330100 杭州市),
one of them demo_enterprise's own, with a sample evidence file. Benchmarks and typical scenarios
carry titles, summaries and the published solutions they used, so the case library reads like one.
Run after the enterprises, the demo logins and matchmaking exist; it does nothing if any entry exists.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from funeng.apps.audit.services import audit_created_many
from funeng.apps.core.models import Membership
from funeng.apps.demo.assessments import DEMO_PDF
from funeng.apps.designations.const import EVIDENCE_DIR, EntryStatus, Route
from funeng.apps.designations.models import DesignationEntry, DesignationEvidence
from funeng.apps.designations.services import CREATED_FIELDS
from funeng.apps.enterprises.models import Enterprise
from funeng.apps.matching.const import SolutionStatus
from funeng.apps.matching.models import Solution

# Approved listings at the default demo size (5,000 enterprises); a smaller registry gets fewer.
TARGETS = {
    "cloud_benchmark": 120,
    "shared_factory": 12,
    "future_factory": 15,
    "digital_agri_factory": 60,
    "growth_directory": 40,
    "dt_benchmark": 10,
    "typical_scenario": 10,
}
DEMO_SIZE = 5000
SHARE_EXITED = 0.1
WAITING = 5  # applications in demo_official's queue, besides demo_enterprise's own
REJECTED = 3
FIRST_DAY = dt.date(2020, 6, 1)
LAST_DAY = dt.date(2026, 10, 31)
DEMO_EVIDENCE_NAME = "demo-designation-evidence.pdf"
TZ = dt.timezone(dt.timedelta(hours=8))

TITLES = {
    "cloud_benchmark": ["设备联网上云", "ERP与MES系统整体上云", "研发设计数据集成上云", "供应链协同平台上云"],
    "shared_factory": ["共享注塑车间", "共享喷涂中心", "共享精密加工车间", "共享检测实验室"],
    "future_factory": ["数字孪生未来工厂", "黑灯产线未来工厂", "柔性定制未来工厂"],
    "digital_agri_factory": ["智慧茶园数字农业工厂", "数字化养殖基地", "智能温室蔬菜工厂", "水产数字渔场"],
    "growth_directory": ["直播电商新业态", "数据标注服务", "在线教育新模式", "共享员工平台"],
    "dt_benchmark": ["全流程数字化转型标杆", "工业互联网平台应用标杆", "数据驱动精益生产标杆"],
    "typical_scenario": ["设备远程运维场景", "订单排产协同场景", "质量追溯场景", "能耗在线监测场景"],
}
SUMMARIES = {
    "dt_benchmark": (
        "企业以订单为主线打通研发、生产、仓储和销售数据，车间设备联网率超过九成，"
        "排产由人工改为系统自动生成，交期缩短约三成，库存周转明显加快。"
    ),
    "typical_scenario": (
        "平台企业与本企业联合打造：设备运行数据实时上云，故障提前预警，服务商远程诊断，"
        "停机时间下降，维修人员出差次数大幅减少。"
    ),
}
OTHER_SUMMARY = "企业按行动计划要求推进数字化改造，相关情况经属地主管部门核实（演示数据）。"
EXIT_REASONS = ["企业迁出本省，按动态管理退出名录。", "复核未达到名录要求，动态调整退出。", "企业注销。"]
REJECT_REASON = "申报材料未能说明改造成效，请补充后重新申请（演示数据）。"


def _scaled(target: int, registry: int) -> int:
    return max(2, round(target * min(1.0, registry / DEMO_SIZE)))


def _day(rng: random.Random, low: dt.date, high: dt.date) -> dt.date:
    return low + dt.timedelta(days=rng.randint(0, max(0, (high - low).days)))


def _moment(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=TZ)


def _pools(zhejiang: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Candidate enterprises per kind by GB/T 4754: agriculture (01-05), manufacturing (13-43)."""
    manufacturers = [e for e in zhejiang if "1300" <= e["industry_code"] < "4400"]
    agriculture = [e for e in zhejiang if e["industry_code"] < "0600"]
    food = [e for e in zhejiang if "1300" <= e["industry_code"] < "1600"]
    services = [e for e in zhejiang if e["industry_code"] >= "5100"]
    return {
        "cloud_benchmark": zhejiang,
        "shared_factory": manufacturers or zhejiang,
        "future_factory": manufacturers or zhejiang,
        # Agriculture-industry enterprises when the registry has them, else food processors.
        "digital_agri_factory": agriculture or food or zhejiang,
        "growth_directory": services or zhejiang,
        "dt_benchmark": manufacturers or zhejiang,
        "typical_scenario": zhejiang,
    }


@transaction.atomic
def demo_designations_create(seed: int = 1) -> int:
    """Create the demo's designation entries; the number created (0 if any entry already exists)."""
    if DesignationEntry.objects.exists():
        return 0
    rng = random.Random(seed)
    zhejiang: list[dict[str, Any]] = [
        dict(row)
        for row in Enterprise.objects.filter(region_code__startswith="33")
        .order_by("id")
        .values("id", "region_code", "industry_code")
    ]
    if not zhejiang:
        return 0
    users = get_user_model().objects
    official = users.filter(username="demo_official").first()
    owner = users.filter(username="demo_enterprise").first()
    own = (
        Membership.objects.filter(user=owner).values_list("enterprise_id", flat=True).first()
        if owner
        else None
    )
    solutions = list(
        Solution.objects.filter(status=SolutionStatus.PUBLISHED)
        .order_by("id")
        .values_list("id", flat=True)[:400]
    )
    pools = _pools(zhejiang)
    taken: dict[str, set[int]] = {kind: set() for kind in TARGETS}
    if own is not None:
        taken["cloud_benchmark"].add(own)  # kept free for demo_enterprise's own application
    entries: list[DesignationEntry] = []
    links: list[tuple[int, list[int]]] = []  # index into entries → solution ids

    def entry(kind: str, row: dict[str, Any], **fields: Any) -> DesignationEntry:
        taken[kind].add(row["id"])
        title = rng.choice(TITLES[kind])
        made = DesignationEntry(
            kind=kind,
            enterprise_id=row["id"],
            region_code=row["region_code"],
            title=title,
            summary=SUMMARIES.get(kind, OTHER_SUMMARY),
            **fields,
        )
        entries.append(made)
        if kind in SUMMARIES and solutions:
            links.append((len(entries) - 1, rng.sample(solutions, k=min(len(solutions), rng.randint(1, 3)))))
        return made

    for kind, target in TARGETS.items():
        pool = [row for row in pools[kind] if row["id"] not in taken[kind]]
        for row in rng.sample(pool, k=min(len(pool), _scaled(target, len(zhejiang)))):
            start = _day(rng, FIRST_DAY, LAST_DAY)
            decider = official if row["region_code"].startswith("3301") else None
            made = entry(
                kind,
                row,
                route=rng.choice([Route.APPLICATION, Route.APPLICATION, Route.NOMINATION]),
                status=EntryStatus.APPROVED,
                applied_at=_moment(start - dt.timedelta(days=rng.randint(20, 90))),
                decided_at=_moment(start),
                decided_by=decider,
                valid_from=start,
            )
            if rng.random() < SHARE_EXITED and (LAST_DAY - start).days > 400:
                made.status = EntryStatus.EXITED
                made.exited_at = _day(rng, start + dt.timedelta(days=365), LAST_DAY)
                made.exit_reason = rng.choice(EXIT_REASONS)

    hangzhou = [row for row in zhejiang if row["region_code"].startswith("3301")]
    now = timezone.now()
    for _ in range(REJECTED):
        kind = rng.choice(list(TARGETS))
        pool = [row for row in zhejiang if row["id"] not in taken[kind]]
        if pool:
            day = _day(rng, FIRST_DAY, LAST_DAY)
            entry(
                kind,
                rng.choice(pool),
                route=Route.APPLICATION,
                status=EntryStatus.REJECTED,
                applied_at=_moment(day - dt.timedelta(days=30)),
                decided_at=_moment(day),
                decision_reason=REJECT_REASON,
            )
    waiting: list[DesignationEntry] = []
    for index in range(WAITING):
        kind = list(TARGETS)[index % len(TARGETS)]
        pool = [row for row in hangzhou if row["id"] not in taken[kind] and row["id"] != own]
        if pool:
            waiting.append(
                entry(
                    kind,
                    rng.choice(pool),
                    route=Route.APPLICATION,
                    status=EntryStatus.APPLIED,
                    applied_at=now - dt.timedelta(days=rng.randint(1, 20)),
                )
            )
    if own is not None:
        found = [r for r in zhejiang if r["id"] == own]
        # demo_enterprise outside Zhejiang: its own region still decides.
        row = found[0] if found else dict(Enterprise.objects.filter(pk=own).values("id", "region_code").get())
        waiting.append(
            entry(
                "cloud_benchmark",
                row,
                route=Route.APPLICATION,
                status=EntryStatus.APPLIED,
                applied_at=now - dt.timedelta(days=2),
                applied_by=owner,
            )
        )

    DesignationEntry.objects.bulk_create(entries, batch_size=1000)
    through = DesignationEntry.solutions.through
    through.objects.bulk_create(
        [through(designationentry_id=entries[i].pk, solution_id=s) for i, ids in links for s in ids],
        batch_size=2000,
    )
    _evidence_for(waiting, owner)
    audit_created_many(actor=None, objects=entries, fields=CREATED_FIELDS)
    return len(entries)


def _evidence_for(entries: list[DesignationEntry], owner: Any) -> None:
    """One shared sample PDF behind every waiting application (a demo stores it once)."""
    path = f"{EVIDENCE_DIR}/{DEMO_EVIDENCE_NAME}"
    if not default_storage.exists(path):
        path = default_storage.save(path, ContentFile(DEMO_PDF))
    digest = hashlib.sha256(DEMO_PDF).hexdigest()
    DesignationEvidence.objects.bulk_create(
        DesignationEvidence(
            entry=entry,
            file=path,
            name="证明材料.pdf",
            kind="pdf",
            size=len(DEMO_PDF),
            sha256=digest,
            uploaded_by=owner if entry.applied_by_id is not None else None,
        )
        for entry in entries
    )
