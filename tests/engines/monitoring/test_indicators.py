"""The shipped indicators load, cite clauses that exist and targets the library extracts, and bad files fail clearly."""

from __future__ import annotations

from pathlib import Path

import pytest

from engines.library.extract import extract_measures, extract_targets
from engines.library.manifest import library_documents
from engines.monitoring.indicators import (
    DISAGGREGATIONS,
    Count,
    Filter,
    IndicatorError,
    indicator,
    load_indicators,
    platform_indicators,
)
from engines.monitoring.synthetic import DESIGNATION_KINDS

SEED_001 = "zj-2020-digital-empowerment"
SEED_003 = "sc-2021-14th-digital-economy"
DESIGNATIONS = {
    "cloud_benchmark_enterprises": "cloud_benchmark",
    "future_factories": "future_factory",
    "digital_agriculture_factories": "digital_agri_factory",
    "growth_directory_enterprises": "growth_directory",
    "dt_benchmark_enterprises": "dt_benchmark",
}


@pytest.fixture(scope="module")
def documents():
    return {doc.id: doc for doc in library_documents()}


def test_the_shipped_file_loads_in_file_order_with_platform_and_reported_indicators():
    found = load_indicators()
    ids = list(found)
    assert ids[0] == "enterprises_registered"
    assert len(platform_indicators()) == 14
    assert sum(i.source == "reported" for i in found.values()) == 19
    assert indicator("cloud_adoption_rate").definition.factor == 100
    assert indicator("cloud_adoption_rate").unit == "%"
    with pytest.raises(KeyError, match="nope"):
        indicator("nope")
    for ind in found.values():
        assert ind.name_zh and ind.name_en and ind.description_zh and ind.description_en
        assert set(ind.disaggregations) <= set(DISAGGREGATIONS)
        assert (ind.definition is not None) == (ind.source == "platform")


def test_designation_indicators_count_their_kind():
    # The 共享工厂 list is not counted as such: the workshops are counted from the capacity registry.
    assert set(DESIGNATIONS.values()) == set(DESIGNATION_KINDS) - {"shared_factory"}
    for ident, kind in DESIGNATIONS.items():
        definition = indicator(ident).definition
        assert definition == definition.__class__(Count("designations", (Filter("kind", "eq", kind),)))


def test_shared_manufacturing_workshops_count_factories_offering_capacity():
    definition = indicator("shared_manufacturing_workshops").definition
    assert definition.numerator == Count("factories", (Filter("offers_capacity", "is_true"),))
    assert definition.denominator is None


def test_every_clause_id_resolves_in_the_library(documents):
    clause_ids = {c.id for doc in documents.values() for c in doc.clauses}
    cited = [i for i in load_indicators().values() if i.clause_id]
    assert len(cited) >= 25
    for ind in cited:
        assert ind.clause_id in clause_ids, ind.id
        for ref in ind.library_targets:
            assert ref.clause_id == ind.clause_id, ind.id


def test_every_library_target_matches_exactly_one_extracted_target(documents):
    for ind in load_indicators().values():
        for ref in ind.library_targets:
            targets = extract_targets(documents[ref.document])
            matches = [t for t in targets if t.clause_id == ref.clause_id and t.what == ref.what]
            assert len(matches) == 1, (ind.id, ref)


def test_every_numeric_target_of_seeds_001_and_003_has_exactly_one_indicator(documents):
    refs = [(r.document, r.clause_id, r.what) for i in load_indicators().values() for r in i.library_targets]
    assert len(refs) == len(set(refs))
    for doc_id in (SEED_001, SEED_003):
        for target in extract_targets(documents[doc_id]):
            assert (doc_id, target.clause_id, target.what) in refs, target


def test_responsible_units_are_the_units_of_the_measure_holding_the_target(documents):
    units_of = {}
    for doc_id in (SEED_001, SEED_003):
        for measure in extract_measures(documents[doc_id]):
            units_of[measure.clause_id] = measure.units
    for ind in load_indicators().values():
        if ind.clause_id.startswith((SEED_001, SEED_003)):
            assert ind.responsible_units == units_of.get(ind.clause_id, ()), ind.id
    assert indicator("cloud_benchmark_enterprises").responsible_units[0] == "省经信厅"
    assert indicator("de_core_value_added_gdp_share").responsible_units == ()


BASE = """
indicators:
  - id: counted
    version: 1
    name_zh: 计数
    name_en: Counted
    unit: 家
    direction: increase
    frequency: yearly
    source: platform
    description_zh: 数
    description_en: count
    definition:
      numerator: {table: enterprises, filters: [{field: cloud_level, op: eq, value: none}]}
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "indicators.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_valid_file_loads(tmp_path):
    found = load_indicators(_write(tmp_path, BASE))
    assert found["counted"].definition.numerator.filters == (Filter("cloud_level", "eq", "none"),)
    assert found["counted"].provisional is False


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("id: counted", "id: Counted-1", "indicators[0] (Counted-1).id: 'Counted-1' is not a snake_case id"),
        ("version: 1", "version: 0", "indicators[0] (counted).version"),
        ("unit: 家", "unit: ''", "indicators[0] (counted).unit: is required"),
        (
            "direction: increase",
            "direction: up",
            "(counted).direction: 'up' is not one of increase, decrease",
        ),
        ("source: platform", "source: reported", "(counted).definition: only a platform indicator"),
        ("table: enterprises", "table: firms", "(counted).definition.numerator.table: 'firms'"),
        (
            "field: cloud_level",
            "field: cloud",
            "numerator.filters[0].field: 'cloud' is not a column of enterprises",
        ),
        ("op: eq", "op: like", "numerator.filters[0].op: 'like' is not one of"),
        ("value: none}", "value: 3}", "numerator.filters[0].value: 3 does not fit column cloud_level"),
        ("    definition:", "    colour: red\n    definition:", "(counted): unknown keys colour"),
    ],
)
def test_errors_name_file_indicator_field_and_reason(tmp_path, old, new, message):
    path = _write(tmp_path, BASE.replace(old, new, 1))
    with pytest.raises(IndicatorError) as error:
        load_indicators(path)
    assert str(path) in str(error.value)
    assert message in str(error.value)


def test_a_platform_indicator_needs_a_definition_and_a_duplicate_id_is_named(tmp_path):
    no_definition = BASE.split("    definition:")[0]
    with pytest.raises(IndicatorError, match=r"\(counted\)\.definition: a platform indicator needs"):
        load_indicators(_write(tmp_path, no_definition))
    twice = BASE + BASE.split("indicators:\n")[1]
    with pytest.raises(IndicatorError, match=r"indicators\[1\] \(counted\)\.id: duplicate id"):
        load_indicators(_write(tmp_path, twice))
    with pytest.raises(IndicatorError, match="not valid YAML"):
        load_indicators(_write(tmp_path, "indicators: [\n"))
    percent = BASE.replace("numerator:", "factor: 100\n      numerator:")
    with pytest.raises(IndicatorError, match="factor"):
        load_indicators(_write(tmp_path, percent))
