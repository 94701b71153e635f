"""Shared scorecards for the credit tests: fitted once per session (fitting takes seconds)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest

from engines.credit.fit import FitReport, fit_scorecard
from engines.credit.metrics import stratified_split
from engines.credit.synthetic import BAD, TARGET, loan_book

GERMAN = Path(__file__).resolve().parents[3] / "benchmarks" / "data" / "credit" / "german_credit.csv"
SPLIT_SEED = 20261207  # fixed before the first fit; see benchmarks/data/credit/README.md


@pytest.fixture(scope="session")
def german() -> tuple[pl.DataFrame, pl.DataFrame]:
    """The German credit data split 70 / 30, stratified, as (train, test)."""
    frame = pl.read_csv(GERMAN)
    test = stratified_split((frame.get_column("creditability") == "bad").to_numpy(), 0.3, SPLIT_SEED)
    return frame.filter(pl.Series(~test)), frame.filter(pl.Series(test))


@pytest.fixture(scope="session")
def german_fit(german) -> FitReport:
    return fit_scorecard(german[0], "creditability", "bad")


@pytest.fixture(scope="session")
def loan_fit() -> FitReport:
    """A scorecard on 5,000 synthetic loans: numeric and categorical variables, missing values."""
    return fit_scorecard(loan_book(5_000, 7), TARGET, BAD)


def bad_mask(frame: pl.DataFrame, target: str, bad: str) -> np.ndarray:
    return (frame.get_column(target).cast(pl.String) == bad).to_numpy()
