"""The library's command-line contract: ingest, measures, targets, search; bad files exit 2 storing nothing."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command

from funeng.apps.library.models import PolicyDocument
from tests.support.library import PLAN_V1, PLAN_V2

pytestmark = pytest.mark.django_db
ZJ = "zj-2020-digital-empowerment"


def _json(capsys, *args):
    call_command(*args)
    return json.loads(capsys.readouterr().out)


@pytest.fixture
def library(capsys):
    rows = _json(capsys, "library_load", "--json")
    assert len(rows) == PolicyDocument.objects.count() >= 5 and all(row["changed"] for row in rows)


def test_zhejiang_plan_has_its_26_measures_with_units_and_targets(capsys, library):
    measures = _json(capsys, "library_measures", "--document", ZJ, "--json")
    assert [m["no"] for m in measures] == list(range(1, 27))
    first = measures[0]
    assert (first["title"], first["lead_unit"]) == ("推动企业深度上云", "省经信厅")
    assert first["units"][0] == "省经信厅" and len(first["units"]) > 1
    assert {"value": 400, "unit": "家", "year": 2022, "op": "=", "what": "上云标杆企业"}.items() <= first[
        "targets"
    ][0].items()
    assert first["targets"][0]["raw"] == "到2022年,培育400家上云标杆企业"
    assert all(m["lead_unit"] for m in measures)
    targets = _json(capsys, "library_targets", "--document", ZJ, "--json")
    # Every number with a unit and a target year in the plan: 4 in its goals (part 一), 18 in measures.
    assert (len(targets), sum(len(m["targets"]) for m in measures)) == (22, 18)
    assert all(t["year"] == 2022 for t in targets)


def test_search_returns_ranked_clauses_with_snippets(capsys, library):
    hits = _json(capsys, "library_search", "云量贷", "--k", "5", "--json")
    assert 1 <= len(hits) <= 5 and all("云量贷" in hit["snippet"] for hit in hits[:2])
    assert hits[0]["score"] >= hits[-1]["score"]
    assert {"document", "clause", "score", "snippet"} <= set(hits[0])


def test_ingest_prints_the_counts_and_the_same_id_again_stores_the_next_version(capsys, tmp_path):
    plan = tmp_path / "plan.txt"
    plan.write_text(PLAN_V1, encoding="utf-8")
    first = _json(capsys, "library_ingest", str(plan), "--id", "test-plan", "--json")
    assert {k: first[k] for k in ("id", "title", "clauses", "measures", "targets")} == {
        "id": "test-plan",
        "title": "关于印发测试市数字赋能行动计划的通知",
        "clauses": 8,
        "measures": 3,
        "targets": 4,
    }
    plan.write_text(PLAN_V2, encoding="utf-8")
    second = _json(capsys, "library_ingest", str(plan), "--id", "test-plan", "--json")
    assert (second["version"], second["measures"]) == (2, 4)


@pytest.mark.parametrize(
    "content", [b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8, b"\xff\xfe\x00\xd8" * 64, b""]
)
def test_a_file_that_is_not_text_exits_2_and_stores_nothing(capsys, tmp_path, content):
    bad = tmp_path / "scan.txt"
    bad.write_bytes(content)
    with pytest.raises(SystemExit) as exit_:
        call_command("library_ingest", str(bad), "--id", "scan", "--json")
    assert exit_.value.code == 2
    assert "scan.txt" in capsys.readouterr().err
    assert not PolicyDocument.objects.exists()


def test_unknown_documents_exit_2(capsys):
    with pytest.raises(SystemExit) as exit_:
        call_command("library_measures", "--document", "no-such", "--json")
    assert exit_.value.code == 2 and "no-such" in capsys.readouterr().err
