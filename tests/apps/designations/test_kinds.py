"""Every designation kind rests on a clause of the policy library, and quotes it word for word."""

from __future__ import annotations

import pytest

from engines.library.manifest import library_documents
from funeng.apps.designations.const import DesignationKindChoice
from funeng.apps.designations.kinds import CASE_LIBRARY_KINDS, KINDS, KINDS_BY_ID

EXPECTED_IDS = [
    "cloud_benchmark",
    "shared_factory",
    "future_factory",
    "digital_agri_factory",
    "growth_directory",
    "dt_benchmark",
    "typical_scenario",
]


@pytest.fixture(scope="module")
def clauses() -> dict[str, str]:
    return {clause.id: clause.text for document in library_documents() for clause in document.clauses}


def test_it_has_exactly_the_kinds_the_seeds_name():
    assert [kind.id for kind in KINDS] == EXPECTED_IDS
    assert list(DesignationKindChoice.values) == EXPECTED_IDS
    assert CASE_LIBRARY_KINDS == ("dt_benchmark", "typical_scenario")


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.id)
def test_each_clause_id_resolves_in_the_library(kind, clauses):
    assert kind.clause_ids and all(clause_id in clauses for clause_id in kind.clause_ids)


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.id)
def test_each_quote_is_verbatim_from_its_clauses_and_has_a_translation(kind, clauses):
    texts = [clauses[clause_id] for clause_id in kind.clause_ids]
    assert kind.criteria_zh and len(kind.criteria_zh) == len(kind.criteria_en)
    for quote in kind.criteria_zh:
        assert any(quote in text for text in texts), quote


def test_the_growth_directory_rests_on_both_the_provincial_and_the_national_clause():
    assert KINDS_BY_ID["growth_directory"].clause_ids == (
        "zj-2020-digital-empowerment/二/(四)/17",
        "ndrc-2020-552/三/(三)/2",
    )


def test_indicators_count_every_kind_but_typical_scenarios():
    assert {k.id: k.indicator for k in KINDS} == {
        "cloud_benchmark": "cloud_benchmark_enterprises",
        "shared_factory": "shared_manufacturing_workshops",
        "future_factory": "future_factories",
        "digital_agri_factory": "digital_agriculture_factories",
        "growth_directory": "growth_directory_enterprises",
        "dt_benchmark": "dt_benchmark_enterprises",
        "typical_scenario": None,
    }
