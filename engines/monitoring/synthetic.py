"""A synthetic monitoring snapshot: Zhejiang-like enterprises with plausible rates, vectorised.

Used by the parity test and the benchmark. Rates: 60 % on cloud; 30 % assessed, with one to three
assessments each (sometimes two in one year); 5 % with a deal; 1 % on a designation list, a fifth of
those entries having exited; 2 % with one to three factories (a quarter of them in another county,
a fifth not offering capacity, a tenth stopped). Edge cases are kept on purpose: null founding years, enterprises
founded in the latest years, unknown industry codes, undetermined size classes, null DE flags, and
rows of the other tables for enterprises founded after them.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl

from engines.monitoring.snapshot import SNAPSHOT_TABLES

PROVINCE = "330000"
FIRST_YEAR = 2019
LAST_YEAR = 2025
DESIGNATION_KINDS = (
    "cloud_benchmark",
    "shared_factory",
    "future_factory",
    "digital_agri_factory",
    "growth_directory",
    "dt_benchmark",
)
CLOUD_LEVELS = ("none", "infrastructure", "platform", "business")
CLOUD_P = (0.40, 0.35, 0.15, 0.10)
SRDI_LEVELS = ("none", "pool", "municipal", "provincial", "national")
SRDI_P = (0.90, 0.05, 0.03, 0.015, 0.005)
SIZE_CLASSES = ("large", "medium", "small", "micro", "")
SIZE_P = (0.01, 0.05, 0.30, 0.60, 0.04)


def county_codes(province: str = PROVINCE) -> list[str]:
    """The county-level codes of a province from the GB/T 2260 reference data."""
    from engines.reference.regions import county_names

    return sorted(code for code in county_names() if code.startswith(province[:2]))


def _industry_codes() -> tuple[list[str], np.ndarray]:
    from engines.reference.industry import industry_table

    classes = industry_table().of_level("class")
    codes = [c.code for c in classes] + ["", "9999"]  # an empty and an unknown code
    weights = np.array([4.0 if c.section == "C" else 1.0 for c in classes] + [5.0, 2.0])
    return codes, weights / weights.sum()


def _gather(values: list[str], index: np.ndarray) -> pl.Series:
    return pl.Series(values, dtype=pl.String).gather(index)


def synthetic_frames(n_enterprises: int, seed: int) -> dict[str, pl.DataFrame]:
    """The snapshot tables as Polars frames (see the module docstring for the rates)."""
    rng = np.random.default_rng(seed)
    n = n_enterprises
    counties = county_codes()
    county_weights = rng.dirichlet(np.full(len(counties), 2.0))
    industries, industry_p = _industry_codes()
    founded = rng.integers(1990, LAST_YEAR + 1, size=n).astype(np.int32)
    founded_null = rng.random(n) < 0.05
    de_core = rng.random(n) < 0.08
    de_null = rng.random(n) < 0.01
    enterprises = pl.DataFrame(
        {
            "credit_code": pl.int_range(n, eager=True).cast(pl.String).str.zfill(18),
            "region_code": _gather(counties, rng.choice(len(counties), size=n, p=county_weights)),
            "industry_code": _gather(industries, rng.choice(len(industries), size=n, p=industry_p)),
            "size_class": _gather(list(SIZE_CLASSES), rng.choice(len(SIZE_CLASSES), size=n, p=SIZE_P)),
            "de_core": pl.Series(de_core).set(pl.Series(de_null), None)
            if de_null.any()
            else pl.Series(de_core),
            "cloud_level": _gather(list(CLOUD_LEVELS), rng.choice(len(CLOUD_LEVELS), size=n, p=CLOUD_P)),
            "srdi_level": _gather(list(SRDI_LEVELS), rng.choice(len(SRDI_LEVELS), size=n, p=SRDI_P)),
            "founded_year": pl.Series(founded).set(pl.Series(founded_null), None)
            if founded_null.any()
            else pl.Series(founded),
        }
    )
    codes = enterprises.get_column("credit_code")

    per = rng.choice(4, size=n, p=(0.70, 0.15, 0.10, 0.05))  # 30 % assessed, 1-3 times
    who = np.repeat(np.arange(n), per)
    assessments = pl.DataFrame(
        {
            "credit_code": codes.gather(who),
            "year": rng.integers(FIRST_YEAR, LAST_YEAR + 1, size=who.size).astype(np.int32),
            "maturity_level": rng.integers(1, 6, size=who.size).astype(np.int32),
        }
    )
    per = rng.choice(3, size=n, p=(0.95, 0.04, 0.01))  # 5 % with a deal, some with two
    who = np.repeat(np.arange(n), per)
    deals = pl.DataFrame(
        {
            "credit_code": codes.gather(who),
            "year": rng.integers(FIRST_YEAR, LAST_YEAR + 1, size=who.size).astype(np.int32),
        }
    )
    who = np.flatnonzero(rng.random(n) < 0.01)
    start = rng.integers(FIRST_YEAR, LAST_YEAR + 1, size=who.size).astype(np.int32)
    exits = rng.random(who.size) < 0.2
    end = np.where(exits, start + rng.integers(1, 4, size=who.size), 0).astype(np.int32)
    designations = pl.DataFrame(
        {
            "credit_code": codes.gather(who),
            "kind": _gather(list(DESIGNATION_KINDS), rng.choice(len(DESIGNATION_KINDS), size=who.size)),
            "from_year": start,
            "to_year": pl.Series(end).set(pl.Series(~exits), None) if who.size else pl.Series(end),
        }
    )
    per = rng.choice(4, size=n, p=(0.98, 0.012, 0.005, 0.003))
    who = np.repeat(np.arange(n), per)
    home = enterprises.get_column("region_code").gather(who)
    away = _gather(counties, rng.choice(len(counties), size=who.size))
    moved = pl.Series(rng.random(who.size) < 0.25)
    start = rng.integers(FIRST_YEAR, LAST_YEAR + 1, size=who.size).astype(np.int32)
    stops = rng.random(who.size) < 0.1
    end = np.where(stops, start + rng.integers(1, 4, size=who.size), 0).astype(np.int32)
    factories = pl.DataFrame(
        {
            "credit_code": codes.gather(who),
            "region_code": pl.select(pl.when(moved).then(away).otherwise(home)).to_series(),
            "offers_capacity": rng.random(who.size) < 0.8,
            "from_year": start,
            "to_year": pl.Series(end).set(pl.Series(~stops), None) if who.size else pl.Series(end),
        }
    )
    frames = {
        "enterprises": enterprises,
        "assessments": assessments,
        "deals": deals,
        "designations": designations,
        "factories": factories,
    }
    return {
        name: frame.select(pl.col(c).cast(t) for c, t in SNAPSHOT_TABLES[name].items())
        for name, frame in frames.items()
    }


def synthetic_snapshot(n_enterprises: int, seed: int, directory: Path | str) -> dict[str, Path]:
    """Write the tables as `<directory>/<table>.parquet`; returns their paths by table."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, frame in synthetic_frames(n_enterprises, seed).items():
        path = directory / f"{name}.parquet"
        frame.write_parquet(path, row_group_size=1_000_000)
        paths[name] = path
    return paths
