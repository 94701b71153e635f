"""Progress towards a plan target (issue 16): how fast an indicator moved against how fast it must move.

For an indicator with baseline x0 in year t0, latest value xt in year t (t > t0) and target xT in
year T, the observed and the required yearly rates are compared:

* growth method, when x0, xt and xT are all positive:
  r_o = (xt / x0) ** (1 / (t - t0)) - 1 and r_r = (xT / x0) ** (1 / (T - t0)) - 1;
* linear method otherwise (a zero or negative value has no growth rate):
  r_o = (xt - x0) / (t - t0) and r_r = (xT - x0) / (T - t0).

The ratio R = r_o / r_r gives the status: on track from 0.95, needs acceleration from 0.6,
limited from 0, deteriorating below 0. For a "decrease" indicator both rates are negative while it
progresses, so R is positive just as for an "increase" one. A value at or past the target is
achieved whatever the ratio; no value after the baseline year is no data; no target is no target.

When the required rate does not point in the indicator's direction (r_r == 0: the target equals
the baseline; or r_r of the wrong sign: an "increase" target below its baseline, a "decrease"
target above it), the ratio means nothing and is null. Such a target is met at the baseline, so
when it is not achieved the value has moved the wrong way: deteriorating. Rounding can make r_r
exactly 0 although xT differs a little from x0; the status is then the limit of R as r_r goes to
0 on the direction's side: deteriorating when r_o moved against the direction, limited when
r_o == 0, on track when r_o moved along it.

`progress` decides one observation with an explanation in Chinese and English; `progress_batch`
decides a whole frame with Polars expressions, the same floating-point operations in the same
order, so both give the same answer (a property test checks it).
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from engines.tabular.headers import cell_name
from engines.tabular.problems import Param, Problem, gettext_noop, show

DIRECTIONS = ("increase", "decrease")
STATUSES = (
    "achieved",
    "on_track",
    "needs_acceleration",
    "limited",
    "deteriorating",
    "no_target",
    "no_data",
)
STATUS_LABELS: dict[str, tuple[str, str]] = {
    "achieved": ("已实现", "Achieved"),
    "on_track": ("进展顺利", "On track"),
    "needs_acceleration": ("需加快", "Needs acceleration"),
    "limited": ("进展有限", "Limited progress"),
    "deteriorating": ("倒退", "Deteriorating"),
    "no_target": ("无目标", "No target"),
    "no_data": ("无数据", "No data"),
}
ON_TRACK = 0.95  # R at or above: on track
NEEDS_ACCELERATION = 0.6  # R in [0.6, 0.95): needs acceleration; [0, 0.6): limited
COLUMNS = (
    "indicator",
    "direction",
    "baseline_year",
    "baseline_value",
    "target_year",
    "target_value",
    "year",
    "value",
)
SCHEMA: dict[str, pl.DataType] = {
    "indicator": pl.String(),
    "direction": pl.String(),
    "baseline_year": pl.Int64(),
    "baseline_value": pl.Float64(),
    "target_year": pl.Int64(),
    "target_value": pl.Float64(),
    "year": pl.Int64(),
    "value": pl.Float64(),
}
RESULT_COLUMNS = ("status", "ratio", "observed_rate", "required_rate", "method")


@dataclass(frozen=True, slots=True)
class Observation:
    """One indicator: its direction, baseline, target (if any) and latest value (if any)."""

    indicator: str
    direction: str  # "increase" or "decrease": which way is progress
    baseline_year: int
    baseline_value: float
    target_year: int | None
    target_value: float | None
    year: int | None  # the year of the latest value
    value: float | None


@dataclass(frozen=True, slots=True)
class Progress:
    """The status of one observation, the rates behind it and why, in Chinese and English."""

    status: str  # one of STATUSES
    ratio: float | None  # observed_rate / required_rate, None when it means nothing
    observed_rate: float | None  # per year: a fraction (growth) or units (linear)
    required_rate: float | None
    method: str | None  # "growth" or "linear"; None without data
    explanation_zh: str
    explanation_en: str


# ---------------------------------------------------------------- one observation


def _check(obs: Observation) -> None:
    if obs.direction not in DIRECTIONS:
        raise ValueError(f"{obs.indicator}: direction must be one of {DIRECTIONS}, not {obs.direction!r}")
    if obs.target_year is not None and obs.target_year <= obs.baseline_year:
        raise ValueError(
            f"{obs.indicator}: target year {obs.target_year} is not after baseline year {obs.baseline_year}"
        )
    for name in ("baseline_value", "target_value", "value"):
        number = getattr(obs, name)
        if number is not None and not math.isfinite(number):
            raise ValueError(f"{obs.indicator}: {name} must be a finite number, not {number!r}")


def _rate(method: str, start: float, end: float, years: int) -> float:
    # The same operations, in the same order, as _rate_expr: the batch path must agree to the bit.
    if method == "growth":
        return float((end / start) ** (1 / years) - 1)
    return (end - start) / years


def progress(obs: Observation) -> Progress:
    """The status of one observation with the rates and an explanation a person can read.

    Raises ValueError for an unknown direction, a target year not after the baseline year or a
    value that is not a finite number.
    """
    _check(obs)
    sign = 1.0 if obs.direction == "increase" else -1.0
    x0, t0 = obs.baseline_value, obs.baseline_year
    if obs.value is None or obs.year is None or obs.year <= t0:
        return _explained(obs, "no_data", None, None, None, None)
    xt, t = obs.value, obs.year
    if obs.target_value is None or obs.target_year is None:
        method = "growth" if x0 > 0 and xt > 0 else "linear"
        return _explained(obs, "no_target", None, _rate(method, x0, xt, t - t0), None, method)
    xT, T = obs.target_value, obs.target_year
    method = "growth" if x0 > 0 and xt > 0 and xT > 0 else "linear"
    observed = _rate(method, x0, xt, t - t0)
    required = _rate(method, x0, xT, T - t0)
    points = required * sign > 0
    ratio = observed / required if points else None
    achieved = xt >= xT if sign > 0 else xt <= xT
    if achieved:
        status = "achieved"
    elif ratio is None:
        moved = observed * sign
        status = "deteriorating" if moved < 0 else "limited" if moved == 0 else "on_track"
    else:
        status = _status_of_ratio(ratio)
    return _explained(obs, status, ratio, observed, required, method)


def _status_of_ratio(ratio: float) -> str:
    if ratio >= ON_TRACK:
        return "on_track"
    if ratio >= NEEDS_ACCELERATION:
        return "needs_acceleration"
    if ratio >= 0:
        return "limited"
    return "deteriorating"


def number_text(x: float) -> str:
    """A value as a report shows it: 100, 150.5, 1,234,567, 0.0125; never 1e+06 or 150.00000001."""
    if x != 0 and abs(x) < 1:
        return f"{x:.4g}" if abs(x) >= 1e-4 else f"{x:.3e}"
    if abs(x) >= 1e15:
        return f"{x:.4e}"
    text = f"{x:,.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _rate_zh(method: str, rate: float) -> str:
    if rate == 0:
        return "持平"
    if method == "growth":
        return f"{'增长' if rate > 0 else '下降'} {abs(rate) * 100:.1f}%"
    return f"{'增加' if rate > 0 else '减少'} {number_text(abs(rate))}"


def _rate_en(method: str, rate: float) -> str:
    sign = "+" if rate > 0 else "-" if rate < 0 else ""
    amount = f"{abs(rate) * 100:.1f}%" if method == "growth" else number_text(abs(rate))
    return f"{sign}{amount} a year"


def _explained(
    obs: Observation,
    status: str,
    ratio: float | None,
    observed: float | None,
    required: float | None,
    method: str | None,
) -> Progress:
    label_zh, label_en = STATUS_LABELS[status]
    base_zh = f"{obs.baseline_year}年基线 {number_text(obs.baseline_value)}"
    base_en = f"Baseline {number_text(obs.baseline_value)} in {obs.baseline_year}"
    if status == "no_data":
        if obs.value is None or obs.year is None:
            zh = f"{base_zh}，之后没有观测值：{label_zh}"
            en = f"{base_en} and no value after it: {label_en}."
        else:
            zh = f"{base_zh}，最新值在{obs.year}年，不晚于基线年：{label_zh}"
            en = f"{base_en}, latest value from {obs.year}, not after the baseline year: {label_en}."
        return Progress(status, None, None, None, None, zh, en)
    assert obs.value is not None and observed is not None and method is not None
    seen_zh = f"{base_zh}，{obs.year}年 {number_text(obs.value)}"
    seen_en = f"{base_en}, {number_text(obs.value)} in {obs.year}"
    if status == "no_target" or required is None:
        zh = f"{seen_zh}：实际年均{_rate_zh(method, observed)}，未设定目标：{label_zh}"
        en = f"{seen_en}: actual change {_rate_en(method, observed)}; no target is set: {label_en}."
        return Progress(status, None, observed, None, method, zh, en)
    assert obs.target_value is not None
    target_zh = f"目标{obs.target_year}年 {number_text(obs.target_value)}"
    target_en = f"target {number_text(obs.target_value)} by {obs.target_year}"
    rates_zh = f"实际年均{_rate_zh(method, observed)}，所需年均{_rate_zh(method, required)}"
    rates_en = f"actual change {_rate_en(method, observed)}, required {_rate_en(method, required)}"
    if ratio is not None:
        ratio_zh, ratio_en = f"比值 {ratio:.2f}", f"ratio {ratio:.2f}"
    else:
        ratio_zh = "目标不要求朝改善方向变化，不计算比值"
        ratio_en = "the target asks for no move in the improving direction, so no ratio"
    lead_zh = "已达到目标，" if status == "achieved" else ""
    lead_en = "target reached; " if status == "achieved" else ""
    zh = f"{seen_zh}，{target_zh}：{lead_zh}{rates_zh}，{ratio_zh}，{label_zh}"
    en = f"{seen_en}, {target_en}: {lead_en}{rates_en}, {ratio_en}: {label_en}."
    return Progress(status, ratio, observed, required, method, zh, en)


# ---------------------------------------------------------------- a whole frame


def _rate_expr(growth: pl.Expr, start: pl.Expr, end: pl.Expr, years: pl.Expr) -> pl.Expr:
    """The yearly rate by either method; the same floating-point operations as _rate."""
    return pl.when(growth).then((end / start).pow(1.0 / years) - 1.0).otherwise((end - start) / years)


def _check_frame(frame: pl.DataFrame) -> None:
    missing = [name for name in COLUMNS if name not in frame.columns]
    if missing:
        raise ValueError(f"progress_batch: missing columns {missing}")
    required = ("indicator", "direction", "baseline_year", "baseline_value")
    nulls = [name for name in required if frame.get_column(name).null_count()]
    if nulls:
        raise ValueError(f"progress_batch: null values in {nulls}")
    bad = frame.filter(
        ~pl.col("direction").is_in(DIRECTIONS)
        | (pl.col("target_year") <= pl.col("baseline_year")).fill_null(False)
        | pl.any_horizontal(
            [
                ~pl.col(name).cast(pl.Float64).is_finite().fill_null(True)
                for name in ("baseline_value", "target_value", "value")
            ]
        )
    )
    if bad.height:
        first = bad.row(0, named=True)
        raise ValueError(
            f"progress_batch: {bad.height} invalid rows (unknown direction, target year not after "
            f"the baseline year or a value that is not finite), first: {first}"
        )


def progress_batch(frame: pl.DataFrame) -> pl.DataFrame:
    """The status of every row in one vectorised pass; the input columns plus status, ratio, rates, method.

    Rows keep their input order. Raises ValueError for the inputs `progress` refuses.
    """
    _check_frame(frame)
    sign = pl.when(pl.col("direction") == "increase").then(pl.lit(1.0)).otherwise(pl.lit(-1.0))
    x0 = pl.col("baseline_value").cast(pl.Float64)
    xt = pl.col("value").cast(pl.Float64)
    xT = pl.col("target_value").cast(pl.Float64)  # noqa: N806  (the formula's name)
    t0 = pl.col("baseline_year").cast(pl.Int64)
    seen_years = (pl.col("year").cast(pl.Int64) - t0).cast(pl.Float64)
    target_years = (pl.col("target_year").cast(pl.Int64) - t0).cast(pl.Float64)

    has_data = xt.is_not_null() & seen_years.is_not_null() & (seen_years > 0)
    has_target = xT.is_not_null() & target_years.is_not_null()
    positive = (x0 > 0) & (xt > 0)
    growth = pl.when(has_target).then(positive & (xT > 0)).otherwise(positive)
    observed = pl.when(has_data).then(_rate_expr(growth, x0, xt, seen_years))
    required = pl.when(has_data & has_target).then(_rate_expr(growth, x0, xT, target_years))
    method = pl.when(has_data).then(pl.when(growth).then(pl.lit("growth")).otherwise(pl.lit("linear")))

    steps = frame.with_columns(
        _observed=observed,
        _required=required,
        _method=method,
        _sign=sign,
        _achieved=pl.when(sign > 0).then(xt >= xT).otherwise(xt <= xT),
        _data=has_data,
        _target=has_target,
    ).with_columns(
        _ratio=pl.when(pl.col("_target") & (pl.col("_required") * pl.col("_sign") > 0)).then(
            pl.col("_observed") / pl.col("_required")
        )
    )
    moved = pl.col("_observed") * pl.col("_sign")
    ratio = pl.col("_ratio")
    status = (
        pl.when(~pl.col("_data"))
        .then(pl.lit("no_data"))
        .when(~pl.col("_target"))
        .then(pl.lit("no_target"))
        .when(pl.col("_achieved"))
        .then(pl.lit("achieved"))
        .when(ratio.is_null() & (moved < 0))
        .then(pl.lit("deteriorating"))
        .when(ratio.is_null() & (moved == 0))
        .then(pl.lit("limited"))
        .when(ratio.is_null())
        .then(pl.lit("on_track"))
        .when(ratio >= ON_TRACK)
        .then(pl.lit("on_track"))
        .when(ratio >= NEEDS_ACCELERATION)
        .then(pl.lit("needs_acceleration"))
        .when(ratio >= 0)
        .then(pl.lit("limited"))
        .otherwise(pl.lit("deteriorating"))
    )
    return steps.select(
        *frame.columns,
        status.alias("status"),
        ratio.alias("ratio"),
        pl.col("_observed").alias("observed_rate"),
        pl.col("_required").alias("required_rate"),
        pl.col("_method").alias("method"),
    )


# ---------------------------------------------------------------- reading a CSV file


class ProgressInputError(ValueError):
    """A progress file that cannot be used; `problems` names every row, column and reason."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


_INTEGER = re.compile(r"[+-]?\d+")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


class _Rows:
    """Problems of one file as they are found, each with its row, column and cell."""

    def __init__(self, file: str, header: Sequence[str]) -> None:
        self.file = file
        self.index = {name: i for i, name in enumerate(header)}
        self.problems: list[Problem] = []

    def add(
        self, row: int | None, column: str | None, code: str, message: str, value: str = "", **params: Param
    ) -> None:
        index = self.index.get(column) if column else None
        shown = show(value)
        # The message may repeat the column's name and the value found; extra parameters are harmless.
        named: dict[str, Param] = {"column": column} if column else {}
        self.problems.append(
            Problem(
                file=self.file,
                row=row,
                code=code,
                message=message,
                params={**named, **({"value": shown} if shown else {}), **params},
                column=column,
                cell=cell_name(index, row) if index is not None and row is not None else None,
                value=shown,
            )
        )


def _header_problems(rows: _Rows, header: list[str]) -> bool:
    """Record the header's problems; True when the rows cannot be read by column."""
    fatal = False
    seen: set[str] = set()
    for index, name in enumerate(header):
        if not name:
            rows.add(
                1,
                None,
                "header.blank",
                gettext_noop("Column %(cell)s has no header: name it or delete the column"),
                cell=cell_name(index, 1),
            )
        elif name in seen:
            fatal = True
            rows.add(
                1, name, "header.repeated", gettext_noop("The column %(column)s appears twice: keep one")
            )
        elif name not in COLUMNS:
            rows.add(
                1,
                name,
                "header.unknown",
                gettext_noop("Unknown column %(column)s: the columns are %(expected)s"),
                name,
                expected=", ".join(COLUMNS),
            )
        seen.add(name)
    for name in COLUMNS:
        if name not in seen:
            fatal = True
            rows.add(
                1,
                name,
                "header.missing",
                gettext_noop("The column %(column)s is missing: add it to the header row"),
            )
    return fatal


def _number(rows: _Rows, row: int, column: str, text: str, *, year: bool) -> float | int | None:
    if not text:
        return None
    if year:
        if _INTEGER.fullmatch(text):
            return int(text)
        rows.add(
            row,
            column,
            "year.not_integer",
            gettext_noop("%(column)s must be a whole year such as 2025, not “%(value)s”"),
            text,
        )
        return None
    if _NUMBER.fullmatch(text) and math.isfinite(float(text)):
        return float(text)
    rows.add(
        row,
        column,
        "number.invalid",
        gettext_noop(
            "%(column)s must be a number such as 1250 or 3.5 without units or separators, not “%(value)s”"
        ),
        text,
    )
    return None


def _read_row(rows: _Rows, row: int, cells: dict[str, str]) -> dict[str, object]:
    values: dict[str, object] = {}
    for name in ("indicator", "direction", "baseline_year", "baseline_value"):
        if not cells[name]:
            rows.add(row, name, "cell.required", gettext_noop("%(column)s is required"))
    values["indicator"] = cells["indicator"] or None
    direction = cells["direction"].casefold()
    if direction and direction not in DIRECTIONS:
        rows.add(
            row,
            "direction",
            "direction.unknown",
            gettext_noop("Unknown direction “%(value)s”: write increase or decrease"),
            cells["direction"],
        )
    values["direction"] = direction or None
    for name in ("baseline_year", "target_year", "year"):
        values[name] = _number(rows, row, name, cells[name], year=True)
    for name in ("baseline_value", "target_value", "value"):
        values[name] = _number(rows, row, name, cells[name], year=False)
    if cells["target_value"] and not cells["target_year"]:
        rows.add(
            row, "target_year", "target_year.required", gettext_noop("A target value needs its target year")
        )
    if cells["value"] and not cells["year"]:
        rows.add(row, "year", "year.required", gettext_noop("A value needs the year it was observed"))
    baseline, target = values["baseline_year"], values["target_year"]
    if isinstance(baseline, int) and isinstance(target, int) and target <= baseline:
        rows.add(
            row,
            "target_year",
            "target_year.not_after_baseline",
            gettext_noop("The target year %(target)s must come after the baseline year %(baseline)s"),
            cells["target_year"],
            target=target,
            baseline=baseline,
        )
    return values


def read_observations(path: Path) -> pl.DataFrame:
    """The rows of a progress CSV file (UTF-8, with or without BOM) as a frame for progress_batch.

    Every row is checked before anything is returned; ProgressInputError lists every problem, each
    with its row (the header is row 1, as a spreadsheet shows it), column and reason. A missing
    file raises FileNotFoundError.
    """
    file = path.name
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        problem = Problem(
            file=file,
            row=None,
            code="file.encoding",
            message=gettext_noop("The file is not UTF-8 text: save it as “CSV UTF-8 (Comma delimited)”"),
        )
        raise ProgressInputError([problem]) from None
    try:
        records = list(csv.reader(text.splitlines(keepends=True)))
    except csv.Error as exc:
        problem = Problem(
            file=file,
            row=None,
            code="file.csv_syntax",
            message=gettext_noop("The file is not valid CSV: %(error)s"),
            params={"error": str(exc)},
        )
        raise ProgressInputError([problem]) from None
    numbered = [(number, [cell.strip() for cell in cells]) for number, cells in enumerate(records, start=1)]
    numbered = [(number, cells) for number, cells in numbered if any(cells)]
    if not numbered or numbered[0][0] != 1:
        empty = Problem(
            file=file,
            row=None if not numbered else 1,
            code="file.empty" if not numbered else "header.missing_row",
            message=gettext_noop("The file is empty: the first row must name the columns %(expected)s")
            if not numbered
            else gettext_noop("Row 1 is empty: it must name the columns %(expected)s"),
            params={"expected": ", ".join(COLUMNS)},
        )
        raise ProgressInputError([empty])
    header = [name.casefold() for name in numbered[0][1]]
    while header and not header[-1]:  # trailing empty headers: Excel saves a stray column this way
        header.pop()
    rows = _Rows(file, header)
    if _header_problems(rows, header):
        raise ProgressInputError(rows.problems)
    if len(numbered) == 1:
        rows.add(
            None,
            None,
            "file.no_rows",
            gettext_noop("The file has a header but no rows: add one row per indicator"),
        )
    data: list[dict[str, object]] = []
    for number, cells in numbered[1:]:
        if len(cells) > len(header) and any(cells[len(header) :]):
            rows.add(
                number,
                None,
                "row.extra_cells",
                gettext_noop("Row %(number)s has more cells than the header has columns"),
                number=number,
            )
        named = {name: cells[i] if i < len(cells) else "" for i, name in enumerate(header)}
        data.append(_read_row(rows, number, named))
    if rows.problems:
        raise ProgressInputError(rows.problems)
    return pl.DataFrame([{name: record[name] for name in COLUMNS} for record in data], schema=SCHEMA)
