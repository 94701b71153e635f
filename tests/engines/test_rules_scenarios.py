"""YAML scenario tests for every programme (engines/rules/scenarios/*.yaml), run on both paths."""

import datetime as dt

import pytest
import yaml

from engines.rules.batch import evaluate_frame, records_frame
from engines.rules.evaluate import evaluate
from engines.rules.loader import load_programmes
from tests.support.paths import ROOT

SCENARIOS = ROOT / "engines" / "rules" / "scenarios"


def _cases():
    for path in sorted(SCENARIOS.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for case in data["scenarios"]:
            yield pytest.param(data, case, id=f"{path.stem}::{case['name']}")


def _plain(enterprise):
    return {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in enterprise.items()}


@pytest.mark.parametrize(("suite", "case"), list(_cases()))
def test_scenario(suite, case):
    as_of = case.get("as_of", suite["as_of"])
    as_of = dt.date.fromisoformat(as_of) if isinstance(as_of, str) else as_of
    programme = load_programmes()[case.get("programme", suite["programme"])]
    enterprise = _plain(suite.get("base", {}) | case.get("enterprise", {}))
    result = evaluate(programme, enterprise, as_of)
    expect = case["expect"]
    assert result.outcome == expect["outcome"]
    for node, state in expect.get("states", {}).items():
        assert result.states[node].value == state, node
    if "failing" in expect:
        assert [item["condition"] for item in result.failing] == expect["failing"]
    if "unknown" in expect:
        assert [item["condition"] for item in result.unknown] == expect["unknown"]
    if "review" in expect:  # eligible subject to review: exactly these required clauses go to a reviewer
        assert [item["condition"] for item in result.review] == expect["review"]
        assert all(item["required"] for item in result.review)
    if result.outcome == "undetermined":
        assert result.undetermined_because == expect["undetermined_because"]
    if "benefit" in expect:  # the amount in yuan, as a string to the fen; null when it cannot be computed
        assert result.benefit is not None and result.benefit["amount_cny"] == expect["benefit"]
    batch = evaluate_frame(records_frame([enterprise]), programme, as_of).row(0, named=True)
    assert batch["outcome"] == result.outcome
    amount = None if result.benefit is None else result.benefit["amount_cny"]
    assert (None if batch["benefit_cny"] is None else f"{batch['benefit_cny']:.2f}") == amount
    assert batch["undetermined_because"] == result.undetermined_because
    assert batch["review"] == [item["condition"] for item in result.review]


def test_it_has_scenarios_for_every_programme():
    covered = set()
    for path in SCENARIOS.glob("*.yaml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        covered |= {data["programme"]} | {
            case.get("programme", data["programme"]) for case in data["scenarios"]
        }
    assert set(load_programmes()) <= covered
