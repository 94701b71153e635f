"""Framework files load, validate with file + YAML-path errors, and a new file is picked up by dropping it in."""

import textwrap

import pytest

from engines.maturity import (
    FrameworkError,
    load_framework_file,
    load_frameworks,
    scenario_taxonomy,
    score_response,
)
from engines.maturity.framework import shipped_frameworks, solution_categories

TINY = """
id: tiny
version: "1"
effective: "2026-01-01"
source: "test"
name: {zh: 小框架, en: Tiny}
levels:
  - {level: 1, name: {zh: 一级, en: L1}, min_score: 5}
dimensions:
  - id: only
    name: {zh: 唯一, en: Only}
    points: 10
    indicators:
      - id: i
        name: {zh: 指标, en: Indicator}
        questions:
          - id: q
            type: single
            text: {zh: 问题, en: Question}
            options:
              - {id: a, score: 0, label: {zh: 甲, en: A}}
              - {id: b, score: 10, label: {zh: 乙, en: B}}
"""


def _write(tmp_path, text, name="tiny.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_it_ships_miit_variants_and_dma():
    frameworks = shipped_frameworks()
    assert {"miit-2024-manufacturing", "miit-2024-services", "dma"} <= set(frameworks)
    for framework in frameworks.values():
        assert framework.max_score == pytest.approx(100)


def test_it_follows_the_miit_point_structure():
    framework = shipped_frameworks()["miit-2024-manufacturing"]
    points = {d.id: d.points for d in framework.dimensions}
    assert points == {"foundation": 50, "management": 30, "outcomes": 20, "operations": 0}
    indicators = {
        i.id: sum(q.max_points for q in i.questions) for d in framework.dimensions for i in d.indicators
    }
    assert indicators["equipment_systems"] == 20 and indicators["data_collection"] == 10
    assert indicators["planning"] == 15 and indicators["resourcing"] == 15
    assert len(framework.scenarios) == 16 and len(framework.mandatory) == 10
    assert [r.min_score for r in framework.levels] == [20, 40, 60, 80]
    assert all(r.provisional for r in framework.levels[1:])


def test_it_drops_manufacturing_only_questions_from_the_services_variant():
    services = shipped_frameworks()["miit-2024-services"]
    assert not services.has_question("equipment_digitised_rate")
    assert services.has_question("staff_tools_rate")
    assert services.mandatory == frozenset()
    assert sum(q.max_points for q in services.dimensions[0].questions) == 50


def test_it_gives_dma_six_dimensions_on_a_0_100_scale_with_bands():
    dma = shipped_frameworks()["dma"]
    assert len([d for d in dma.dimensions if d.weight > 0]) == 6
    assert {d.scale for d in dma.dimensions} == {100}
    assert dma.band_of(25).en == "Basic" and dma.band_of(25.5).en == "Average"
    assert dma.band_of(76).en == "Advanced"
    assert dma.rounds == ("T0", "T1", "T2")


def test_it_keeps_sixteen_scenarios_with_keywords_and_known_solution_categories():
    taxonomy = scenario_taxonomy()
    assert len(taxonomy) == 16
    assert sum(s.mandatory_for_manufacturing for s in taxonomy.values()) == 10
    assert all(s.keywords and s.name.zh and s.name.en for s in taxonomy.values())
    assert all(set(s.solutions) <= set(solution_categories()) for s in taxonomy.values())
    assert len(solution_categories()) >= 19


def test_it_picks_up_a_third_framework_dropped_into_a_directory(tmp_path):
    _write(tmp_path, TINY)
    frameworks = load_frameworks(tmp_path)
    assert "tiny" in frameworks and "dma" in frameworks
    assert score_response(frameworks["tiny"], {"q": "b"}).level == 1


@pytest.mark.parametrize(
    ("change", "path", "reason"),
    [
        ("points: 10\n    indicators", "dimensions[0].points", "declares 12"),
        ("score: 10, label", "dimensions[0].indicators[0].questions[0].options[1].score", "finite number"),
        ("type: single", "dimensions[0].indicators[0].questions[0].type", "must be one of"),
        ("min_score: 5", "levels[0]", "exactly one of"),
        ("en: B}", "dimensions[0].indicators[0].questions[0].options[1].label.en", "quote the text"),
    ],
)
def test_it_names_file_and_yaml_path_of_an_error(tmp_path, change, path, reason):
    broken = {
        "points: 10\n    indicators": "points: 12\n    indicators",
        "score: 10, label": "score: lots, label",
        "type: single": "type: slider",
        "min_score: 5": "min_score: 5, above: 4",
        "en: B}": "en: no}",
    }[change]
    assert change in TINY
    _write(tmp_path, TINY.replace(change, broken))
    with pytest.raises(FrameworkError) as caught:
        load_framework_file(tmp_path / "tiny.yaml")
    assert caught.value.file == "tiny.yaml"
    assert caught.value.path == path
    assert reason in caught.value.reason


def test_it_rejects_a_band_gap_and_an_unknown_scenario(tmp_path):
    number = TINY.replace(
        """            type: single
            text: {zh: 问题, en: Question}
            options:
              - {id: a, score: 0, label: {zh: 甲, en: A}}
              - {id: b, score: 10, label: {zh: 乙, en: B}}""",
        """            type: number
            text: {zh: 问题, en: Question}
            bands:
              - {to: 5, score: 0}
              - {from: 6, score: 10}""",
    )
    _write(tmp_path, number)
    with pytest.raises(FrameworkError, match=r"questions\[0\]\.bands\[1\]\.from: must equal"):
        load_framework_file(tmp_path / "tiny.yaml")
    scenario = TINY.replace("type: single", "type: scenario\n            scenario: teleportation")
    _write(tmp_path, scenario)
    with pytest.raises(FrameworkError, match="unknown scenario 'teleportation'"):
        load_framework_file(tmp_path / "tiny.yaml")


def test_it_requires_the_id_to_match_the_file_name(tmp_path):
    _write(tmp_path, TINY, name="other.yaml")
    with pytest.raises(FrameworkError, match="must match the file name"):
        load_framework_file(tmp_path / "other.yaml")
