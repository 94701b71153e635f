"""Interchange import/export of solutions and needs through the CLI (issue 6 JSONL format)."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from funeng.apps.audit.models import AuditEvent
from funeng.apps.matching.models import Need, Solution
from funeng.apps.providers.models import Provider
from tests.support.matching import make_world

pytestmark = pytest.mark.django_db


def jsonl(path, rows) -> str:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return str(path)


def solution_row(**overrides):
    row = {
        "id": "S-001",
        "provider": "杭州数智云科技",
        "title": "茶叶网店代运营",
        "description": "店铺装修、直播带货、售后客服托管",
        "scenarios": ["ecommerce", "营销销售"],
        "industries": ["A", "15"],
        "regions": ["浙江省", "江苏", "310000"],
        "price_cny_per_year": 36000,
        "deployment": "SaaS",
        "min_employees": 1,
        "max_employees": 100,
    }
    return row | overrides


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_it_imports_solutions_in_the_interchange_format(tmp_path):
    w = make_world()
    path = jsonl(
        tmp_path / "solutions.jsonl",
        [
            solution_row(),
            solution_row(id="S-002", regions=[], deployment="私有部署", price_cny_per_year=None),
        ],
    )
    out, _err = run("matching_import_solutions", path, "--user", "root")
    assert "imported 2 new and 0 updated solutions" in out
    first = Solution.objects.get(external_id="S-001")
    assert first.provider == w.provider_1 and first.status == "published"
    assert first.scenarios == ["ecommerce", "marketing_sales"]
    assert first.regions == ["330000", "320000", "310000"]
    assert first.industries == ["A", "15"]
    assert Solution.objects.get(external_id="S-002").deployment == "private"
    events = AuditEvent.objects.filter(object_type="matching.solution", action="import")
    assert events.count() == 2 and events.first().actor_label == "root"


def test_it_names_file_line_field_and_reason_and_writes_nothing_when_a_line_is_bad(tmp_path):
    make_world()
    before = Solution.objects.count()
    path = jsonl(
        tmp_path / "bad.jsonl",
        [
            solution_row(),
            solution_row(id="S-002", regions=["火星省"]),
            solution_row(id="S-003", provider="不存在的服务商"),
            solution_row(id="S-004", min_employees=50, max_employees=10),
        ],
    )
    with open(path, "a", encoding="utf-8") as handle:
        handle.write("{not json\n")
    err = StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("matching_import_solutions", path, stdout=StringIO(), stderr=err)
    report = err.getvalue()
    assert "bad.jsonl line 2: regions: unknown province '火星省'" in report
    assert "bad.jsonl line 4: max_employees" in report
    assert "bad.jsonl line 5: not valid JSON" in report
    assert "nothing was imported" in str(caught.value)
    assert Solution.objects.count() == before


def test_it_reports_an_unknown_provider_unless_asked_to_create_it_as_an_application(tmp_path):
    make_world()
    path = jsonl(tmp_path / "new.jsonl", [solution_row(provider="宁波新来的服务商")])
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("matching_import_solutions", path, stdout=StringIO(), stderr=err)
    assert "new.jsonl line 1: provider: unknown provider '宁波新来的服务商'" in err.getvalue()
    out, _ = run("matching_import_solutions", path, "--create-providers")
    provider = Provider.objects.get(name="宁波新来的服务商")
    assert provider.vetting_state == "applied"
    assert "1 solutions kept as drafts" in out
    assert Solution.objects.get(external_id="S-001").status == "draft"


def test_it_updates_a_solution_imported_before_instead_of_duplicating_it(tmp_path):
    make_world()
    run("matching_import_solutions", jsonl(tmp_path / "a.jsonl", [solution_row()]))
    out, _ = run(
        "matching_import_solutions", jsonl(tmp_path / "b.jsonl", [solution_row(price_cny_per_year=40000)])
    )
    assert "0 new and 1 updated" in out
    assert Solution.objects.filter(external_id="S-001").get().price_cny_per_year == 40000


def test_it_imports_needs_with_or_without_a_registered_enterprise_and_ranks_them(tmp_path):
    w = make_world()
    rows = [
        {
            "id": "N-1",
            "enterprise": {
                "industry_code": "6110",
                "province": "浙江",
                "employees": 8,
                "revenue_cny": 1200000,
            },
            "title": "民宿订单老是订重",
            "description": "几个平台的订单要人一条条抄到本子上",
            "budget_cny_per_year": None,
        },
        {
            "id": "N-2",
            "enterprise": {
                "industry_code": "6110",
                "province": "330106",
                "credit_code": w.enterprise_a.credit_code,
            },
            "title": "想做会员管理",
            "description": "",
            "budget_cny_per_year": 8000,
        },
    ]
    out, _ = run("matching_import_needs", jsonl(tmp_path / "needs.jsonl", rows))
    assert "imported 2 new and 0 updated needs" in out and "ranked 2 open needs" in out
    offline = Need.objects.get(external_id="N-1")
    assert (offline.enterprise, offline.region_code, offline.employees) == (None, "330000", 8)
    assert offline.matches.order_by("rank").first().solution == w.homestay
    linked = Need.objects.get(external_id="N-2")
    assert linked.enterprise == w.enterprise_a and linked.region_code == "330106"


def test_it_refuses_a_need_naming_an_enterprise_that_is_not_registered(tmp_path):
    make_world()
    rows = [
        {
            "id": "N-9",
            "enterprise": {"credit_code": "91330106MA2H7K1N3G"},
            "title": "x",
            "budget_cny_per_year": None,
        }
    ]
    err = StringIO()
    with pytest.raises(CommandError):
        call_command(
            "matching_import_needs", jsonl(tmp_path / "n.jsonl", rows), stdout=StringIO(), stderr=err
        )
    assert "n.jsonl line 1: enterprise.credit_code: no enterprise with credit code" in err.getvalue()
    assert not Need.objects.exists()


def test_it_exports_what_it_imports(tmp_path):
    w = make_world()
    w.need()
    exported = tmp_path / "solutions.jsonl"
    run("matching_export_solutions", str(exported))
    lines = [json.loads(line) for line in exported.read_text(encoding="utf-8").splitlines()]
    by_title = {line["title"]: line for line in lines}
    homestay = by_title[w.homestay.title]
    assert homestay["id"] == f"S{w.homestay.pk}" and homestay["provider"] == w.provider_1.name
    assert homestay["regions"] == ["330000"] and homestay["price_cny_per_year"] == 6800
    # Re-importing the export updates the same solutions (S<pk> ids), it does not duplicate them.
    out, _ = run("matching_import_solutions", str(exported))
    assert f"0 new and {len(lines)} updated" in out
    needs_file = tmp_path / "needs.jsonl"
    run("matching_export_needs", str(needs_file))
    need = json.loads(needs_file.read_text(encoding="utf-8").splitlines()[0])
    assert need["enterprise"]["credit_code"] == w.enterprise_a.credit_code
    assert need["enterprise"]["province"] == "330106" and need["budget_cny_per_year"] == 10000
