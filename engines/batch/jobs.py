"""The built-in batch jobs: classify, assessment:<framework>, policy:<programme>, over the engines' batch paths.

Each job only adapts columns around an existing batch function (engines/classify/batch.py,
engines/maturity/batch.py, engines/rules/batch.py): no rule is written a second time here.

Inputs:
- `classify` and `policy:<programme>` read the enterprise snapshot that `funeng demo_region --parquet`
  writes (SNAPSHOT below: the registry's editable fields; credit_code, industry_code and region_code
  required, every other column optional and null = unknown).
- `assessment:<framework>` reads a responses file: `credit_code` plus every answer column of the
  framework as engines/maturity/batch.py lays them out (`answer_schema`; null = not answered).
"""

from __future__ import annotations

import polars as pl

from engines.batch.job import KEY, BatchJob, Column
from engines.batch.registry import JobKind, JobOptions, UnknownJobError, register_job_kind
from engines.classify.batch import digital_economy_class_batch, size_class_batch
from engines.maturity.batch import LEVELS, answer_schema, score_frame
from engines.maturity.framework import Framework, shipped_frameworks
from engines.rules.batch import evaluate_frame
from engines.rules.derive import with_derived
from engines.rules.loader import get_programme, load_programme_versions
from engines.rules.model import Programme

_MONEY = pl.Float64()
_COUNT = pl.Int64()
_RATIO = pl.Float64()
_TEXT = pl.String()
_FLAG = pl.Boolean()
_TEXTS = pl.List(pl.String())

# The enterprise snapshot, column by column as the demo generator and the registry export write it
# (tests/platform/test_batch_run.py checks it against `demo_region --parquet`).
SNAPSHOT: dict[str, Column] = {
    KEY: Column(_TEXT, required=True),
    "name": Column(_TEXT),
    "industry_code": Column(_TEXT, required=True),
    "region_code": Column(_TEXT, required=True),
    "founded_on": Column(pl.Date()),
    "employees": Column(_COUNT),
    "revenue_cny": Column(_MONEY),
    "assets_cny": Column(_MONEY),
    "rd_expense_cny": Column(_MONEY),
    "invention_patents": Column(_COUNT),
    "utility_models": Column(_COUNT),
    "design_patents": Column(_COUNT),
    "software_copyrights": Column(_COUNT),
    "cloud_level": Column(_TEXT),
    "cloud_spend_cny": Column(_MONEY),
    "cloud_loan_interest_cny": Column(_MONEY),
    "revenue_prev_cny": Column(_MONEY),
    "main_business_revenue_cny": Column(_MONEY),
    "main_product_revenue_cny": Column(_MONEY),
    "net_profit_cny": Column(_MONEY),
    "liabilities_cny": Column(_MONEY),
    "rd_staff": Column(_COUNT),
    "main_business_growth_avg_2y": Column(_RATIO),
    "net_profit_growth_avg_2y": Column(_RATIO),
    "revenue_growth_avg_2y": Column(_RATIO),
    "net_profit_2y_cny": Column(_MONEY),
    "equity_financing_2y_cny": Column(_MONEY),
    "valuation_cny": Column(_MONEY),
    "rd_expense_2y_cny": Column(_MONEY),
    "profit_and_tax_cny": Column(_MONEY),
    "revenue_growth_avg_3y": Column(_RATIO),
    "operating_margin_avg_3y": Column(_RATIO),
    "rd_institution_municipal": Column(_FLAG),
    "has_rd_institution": Column(_FLAG),
    "standards_2y": Column(_COUNT),
    "quality_cert": Column(_FLAG),
    "own_brand": Column(_FLAG),
    "niche_market_since": Column(pl.Date()),
    "niche_market_rank_province": Column(_COUNT),
    "niche_market_rank_national": Column(_COUNT),
    "clean_record_3y": Column(_FLAG),
    "no_major_accidents_3y": Column(_FLAG),
    "srdi_level": Column(_TEXT),
    "it_supported_core_processes": Column(_COUNT),
}
SIZE_INPUTS = ("industry_code", "employees", "revenue_cny", "assets_cny")
# Stored codes that mean "unknown" (as funeng.apps.enterprises.policy_record reads them): the blank
# choice, and a size class the classify engine could not decide.
UNKNOWN_CODES = ("", "undetermined")


# --------------------------------------------------------------------------- classify

CLASSIFY_OUTPUTS: dict[str, pl.DataType] = {
    KEY: _TEXT,
    "size_class": _TEXT,
    "group_no": pl.Int8(),
    "rule": _TEXT,
    "reason": _TEXT,
    "missing": _TEXTS,
    "de_codes": _TEXTS,
    "de_partial": pl.List(pl.Boolean()),
    "de_core": _FLAG,
}


def _classify(frame: pl.DataFrame) -> pl.DataFrame:
    sized = size_class_batch(frame.select(KEY, *SIZE_INPUTS))
    return digital_economy_class_batch(sized)


def _build_classify(_argument: str | None, _options: JobOptions) -> BatchJob:
    return BatchJob(
        name="classify",
        summary="size class (划型) and digital-economy classes of every enterprise in a snapshot",
        inputs=SNAPSHOT,
        outputs=CLASSIFY_OUTPUTS,
        transform=_classify,
    )


# --------------------------------------------------------------------------- assessment


def assessment_outputs(framework: Framework) -> dict[str, pl.DataType]:
    """The columns `assessment:<framework>` writes, in score_frame's order."""
    outputs: dict[str, pl.DataType] = {
        KEY: _TEXT,
        "framework": _TEXT,
        "version": _TEXT,
        "score": pl.Float64(),
        "level": pl.Int64(),
        "complete": _FLAG,
        "missing_count": pl.Int64(),  # UInt32 in Polars; Spark has no unsigned types
        "missing": _TEXTS,
    }
    outputs.update({f"dim__{d.id}": pl.Float64() for d in framework.dimensions})
    outputs.update({f"{p}at_least_{k}": pl.Int64() for k in LEVELS for p in ("", "mandatory_")})
    outputs.update(
        {
            "next_level": pl.Int64(),
            "gap_score": pl.Float64(),
            "gap_scenarios": pl.Int64(),
            "gap_mandatory": pl.Int64(),
        }
    )
    return outputs


class _Assess:
    """score_frame bound to one framework; a class (not a closure) so Spark pickles it by reference."""

    def __init__(self, framework: Framework) -> None:
        self.framework = framework

    def __call__(self, frame: pl.DataFrame) -> pl.DataFrame:
        scored = score_frame(self.framework, frame)
        return scored.with_columns(
            pl.lit(self.framework.id).alias("framework"), pl.lit(self.framework.version).alias("version")
        )


def _build_assessment(argument: str | None, _options: JobOptions) -> BatchJob:
    framework = shipped_frameworks()[str(argument)]
    inputs = {KEY: Column(_TEXT, required=True)}
    inputs.update({name: Column(dtype, required=True) for name, dtype in answer_schema(framework).items()})
    return BatchJob(
        name=f"assessment:{framework.id}",
        summary=f"maturity score and level of every response to {framework.id} {framework.version}",
        inputs=inputs,
        outputs=assessment_outputs(framework),
        transform=_Assess(framework),
    )


# --------------------------------------------------------------------------- policy

POLICY_OUTPUTS: dict[str, pl.DataType] = {
    KEY: _TEXT,
    "programme": _TEXT,
    "version": _TEXT,
    "outcome": _TEXT,
    "undetermined_because": _TEXTS,
    "failing": _TEXTS,
    "unknown": _TEXTS,
    "review": _TEXTS,
    "benefit_cny": _MONEY,
}


def rule_fields(frame: pl.DataFrame) -> pl.LazyFrame:
    """A snapshot as the policy rules read it: size class from the classify engine, ratios derived.

    The same steps as funeng.apps.enterprises.policy_record for rows of the registry: codes that
    mean unknown become null, the size class comes from engines.classify, the ratios from
    engines.rules.derive.
    """
    sized = size_class_batch(frame.select(SIZE_INPUTS))
    known = frame.with_columns(sized.get_column("size_class")).with_columns(
        pl.when(pl.col(name).is_in(UNKNOWN_CODES)).then(None).otherwise(pl.col(name)).alias(name)
        for name in ("region_code", "industry_code", "size_class", "srdi_level")
    )
    return with_derived(known)


class _Evaluate:
    """evaluate_frame bound to one programme version and date; picklable for Spark."""

    def __init__(self, programme: Programme, options: JobOptions) -> None:
        self.programme = programme
        self.as_of = options.as_of

    def __call__(self, frame: pl.DataFrame) -> pl.DataFrame:
        result = evaluate_frame(rule_fields(frame), self.programme, self.as_of)
        # evaluate_frame keeps row order and drops other columns: the key goes back on by position.
        return result.with_columns(frame.get_column(KEY)).with_columns(pl.col("outcome").cast(pl.String))


def _programme_ids() -> tuple[str, ...]:
    return tuple(load_programme_versions())


def _build_policy(argument: str | None, options: JobOptions) -> BatchJob:
    try:
        programme = get_programme(str(argument), options.as_of)
    except KeyError as exc:  # no version in force on that date
        raise UnknownJobError(str(exc.args[0])) from None
    return BatchJob(
        name=f"policy:{programme.id}",
        summary=f"who qualifies for {programme.id} {programme.version} (as of {options.as_of.isoformat()})",
        inputs=SNAPSHOT,
        outputs=POLICY_OUTPUTS,
        transform=_Evaluate(programme, options),
    )


def _framework_ids() -> tuple[str, ...]:
    return tuple(shipped_frameworks())


BUILT_IN: tuple[JobKind, ...] = (
    JobKind("classify", "size class and digital-economy classes (snapshot)", _build_classify),
    JobKind("assessment", "maturity scores of assessment responses", _build_assessment, _framework_ids),
    JobKind("policy", "policy eligibility with reasons (snapshot)", _build_policy, _programme_ids),
)
for _kind in BUILT_IN:
    register_job_kind(_kind)
