"""The rule language: programmes validate at load, errors name file and YAML path, quotes are verbatim."""

import copy
import datetime as dt
import re
from pathlib import Path

import pytest
import yaml

from engines.rules.evaluate import evaluate
from engines.rules.loader import PROGRAMMES_DIR, RuleError, load_programme, load_programmes, parse_programme
from engines.rules.model import walk

SOURCE = Path(PROGRAMMES_DIR).parent / "sources" / "srdi-2021-compilation.txt"
ZHEJIANG = yaml.safe_load((PROGRAMMES_DIR / "srdi-zhejiang.yaml").read_text(encoding="utf-8"))


def _broken(change):
    data = copy.deepcopy(ZHEJIANG)
    change(data)
    with pytest.raises(RuleError) as exc:
        parse_programme(data, "srdi-zhejiang.yaml")
    return str(exc.value)


def test_it_loads_every_programme_file():
    files = {path.stem for path in PROGRAMMES_DIR.glob("*.yaml")}
    programmes = load_programmes()
    assert len(files) >= 19 and set(programmes) == files
    assert all(programme.id == key for key, programme in programmes.items())


def test_it_names_file_and_path_for_a_threshold_that_is_not_a_number():
    def change(data):
        data["conditions"]["all"][1]["threshold"] = "three"

    assert _broken(change) == "srdi-zhejiang.yaml: conditions.all[1].threshold: expected a number"


def test_it_rejects_a_threshold_on_a_condition_that_takes_none():
    def change(data):
        data["conditions"]["all"][2]["threshold"] = 3

    assert _broken(change).startswith(
        "srdi-zhejiang.yaml: conditions.all[2].threshold: in takes no threshold"
    )


def test_it_rejects_an_unknown_field_with_its_path():
    def change(data):
        data["conditions"]["all"][5]["all"][1]["field"] = "turnover"

    assert _broken(change).startswith(
        "srdi-zhejiang.yaml: conditions.all[5].all[1].field: unknown field 'turnover'"
    )


def test_it_rejects_wording_that_contradicts_the_operator():
    def change(data):
        data["conditions"]["all"][5]["all"][1]["op"] = ">"  # 不高于 includes the number

    assert "conditions.all[5].all[1].wording" in _broken(change)


def test_it_requires_a_citation_on_every_node():
    def change(data):
        del data["conditions"]["all"][0]["citation"]

    assert "conditions.all[0].citation" in _broken(change)


def test_it_catches_a_quote_split_by_an_unquoted_comma():
    def change(data):
        data["conditions"]["all"][0]["citation"]["在省内工商注册登记"] = None

    assert "unknown key" in _broken(change)


def test_it_rejects_duplicate_ids_and_impossible_at_least():
    def dup(data):
        data["conditions"]["all"][1]["id"] = data["conditions"]["all"][0]["id"]

    def too_many(data):
        group = data["conditions"]["all"][-1]
        data["conditions"]["all"][-1] = {k: v for k, v in group.items() if k != "any"} | {
            "at_least": 9,
            "of": group["any"],
        }

    assert "duplicate id" in _broken(dup)
    assert "at_least" in _broken(too_many)


def test_it_reports_yaml_syntax_errors_as_rule_errors(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("id: [unclosed\n", encoding="utf-8")
    with pytest.raises(RuleError, match=r"^bad\.yaml: \(yaml\)"):
        load_programme(path)


def test_every_quote_is_verbatim_government_text_from_the_source():
    """专精特新 quotes come from the compilation; others from the library clause they cite."""
    from engines.library.manifest import library_documents

    compilation = re.sub(r"\s", "", SOURCE.read_text(encoding="utf-8"))
    clauses = {clause.id: re.sub(r"\s", "", clause.text) for d in library_documents() for clause in d.clauses}
    missing = []
    for programme in load_programmes().values():
        benefit = [programme.benefit] if programme.benefit is not None else []
        for node in [*walk(programme.conditions), *benefit]:
            quote = re.sub(r"\s", "", node.citation.quote)
            source = compilation if programme.id.startswith("srdi-") else clauses[node.citation.clause_id]
            if quote not in source:
                missing.append((programme.id, node.id))
    assert missing == []


def test_it_selects_the_threshold_in_force_on_the_as_of_date():
    data = copy.deepcopy(ZHEJIANG)
    leaf = data["conditions"]["all"][-1]["any"][0]["all"][1]
    leaf["threshold"] = [
        {"value": 0.03, "valid_from": "2021-09-03"},
        {"value": 0.04, "valid_from": "2024-01-01"},
    ]
    programme = parse_programme(data, "srdi-zhejiang.yaml")
    enterprise = {"revenue_cny": 200_000_000, "rd_intensity_2y": 0.035}
    assert evaluate(programme, enterprise, dt.date(2023, 12, 31)).states["zj-class-1-rd"].value == "pass"
    assert evaluate(programme, enterprise, dt.date(2024, 1, 1)).states["zj-class-1-rd"].value == "fail"


def test_it_writes_down_the_chosen_and_alternative_reading_of_ambiguous_text():
    readings = [
        node.reading for p in load_programmes().values() for node in walk(p.conditions) if node.reading
    ]
    assert len(readings) >= 10 and all(r.chosen and r.alternative for r in readings)
