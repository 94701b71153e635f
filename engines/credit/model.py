"""The scorecard as data: bins with weights of evidence, points, scaling and training metadata, as JSON.

A model file is plain JSON (never pickle) so a bank can read, diff and file it: for each variable
its bins (numeric split points or groups of categories, plus a bin for missing values), the weight
of evidence and points of each bin, the logistic coefficient, the trend of the bad rate, and the
training counts; then the intercept, the points scaling and where the model came from.

Conventions: the weight of evidence of a bin is ln(share of bads / share of goods), so a higher
WOE means more risk and a fitted coefficient is positive; the logit of the bad outcome is
intercept + Σ coefficient × WOE; the score is offset − factor × logit with factor = PDO / ln 2 and
offset = base_points − factor × ln(base_odds), so base_points is scored at good:bad odds of
base_odds and every PDO points double those odds.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SCHEMA = "funeng.scorecard/1"
NUMERIC, CATEGORICAL = "numeric", "categorical"
TRENDS = ("ascending", "descending", "flat", "none", "categorical")
MISSING_LABEL = "missing"


class ModelFileError(ValueError):
    """A model file that is not a valid scorecard (the message names the field)."""


@dataclass(frozen=True, slots=True)
class Bin:
    """One bin of a variable: its label, training counts, weight of evidence and points."""

    label: str
    count: int
    bads: int
    woe: float
    points: float

    @property
    def bad_rate(self) -> float | None:
        return self.bads / self.count if self.count else None


@dataclass(frozen=True, slots=True)
class Variable:
    """A scorecard variable: how values fall into bins, and what each bin is worth."""

    name: str
    kind: str  # numeric | categorical
    splits: tuple[float, ...]  # numeric: bin i holds splits[i-1] <= x < splits[i]
    groups: tuple[tuple[str, ...], ...]  # categorical: the categories of each bin
    bins: tuple[Bin, ...]  # the value bins in order, then the missing bin (always last)
    coefficient: float
    trend: str  # of the bad rate over the value bins
    monotone_required: bool
    iv: float

    @property
    def missing_index(self) -> int:
        return len(self.bins) - 1

    @property
    def best_points(self) -> float:
        return max(b.points for b in self.bins)

    def bin_index(self, value: object) -> tuple[int, bool]:
        """The bin a raw value falls in, and whether it is a category never seen in training."""
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return self.missing_index, False
        if self.kind == NUMERIC:
            number = to_number(value, self.name)
            if number is None:
                return self.missing_index, False
            return _bisect_right(self.splits, number), False
        text = category_text(value)
        if text == "":
            return self.missing_index, False
        for index, group in enumerate(self.groups):
            if text in group:
                return index, False
        return self.missing_index, True


def _bisect_right(splits: tuple[float, ...], number: float) -> int:
    low, high = 0, len(splits)
    while low < high:
        middle = (low + high) // 2
        if number < splits[middle]:
            high = middle
        else:
            low = middle + 1
    return low


def to_number(value: object, name: str) -> float | None:
    """A numeric cell as a float (blank is missing); text that is not a number is an error."""
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, int | float):
        return None if isinstance(value, float) and math.isnan(value) else float(value)
    text = str(value).strip()
    if text == "":
        return None
    try:
        return float(text)
    except ValueError:
        raise ValueError(f"{name}: {text!r} is not a number") from None


def category_text(value: object) -> str:
    """A categorical cell as the text the bins hold (integers without a decimal point)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


@dataclass(frozen=True, slots=True)
class Scaling:
    """Points scaling: base_points at good:bad odds of base_odds; PDO points double the odds."""

    base_points: float = 600.0
    base_odds: float = 50.0
    pdo: float = 20.0

    @property
    def factor(self) -> float:
        return self.pdo / math.log(2)

    @property
    def offset(self) -> float:
        return self.base_points - self.factor * math.log(self.base_odds)


@dataclass(frozen=True, slots=True)
class Scorecard:
    """A fitted scorecard: variables, intercept, scaling and training metadata."""

    target: str
    bad_value: str
    variables: tuple[Variable, ...]
    intercept: float
    scaling: Scaling
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def base_score(self) -> float:
        """The points every applicant starts with: the intercept's share of the score."""
        return self.scaling.offset - self.scaling.factor * self.intercept

    @property
    def demo(self) -> bool:
        return bool(self.metadata.get("demo"))

    def as_dict(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "target": self.target,
            "bad_value": self.bad_value,
            "intercept": self.intercept,
            "scaling": {
                "base_points": self.scaling.base_points,
                "base_odds": self.scaling.base_odds,
                "pdo": self.scaling.pdo,
            },
            "variables": [
                {
                    "name": v.name,
                    "kind": v.kind,
                    "splits": list(v.splits),
                    "groups": [list(group) for group in v.groups],
                    "coefficient": v.coefficient,
                    "trend": v.trend,
                    "monotone_required": v.monotone_required,
                    "iv": v.iv,
                    "bins": [
                        {"label": b.label, "count": b.count, "bads": b.bads, "woe": b.woe, "points": b.points}
                        for b in v.bins
                    ],
                }
                for v in self.variables
            ],
            "metadata": self.metadata,
        }

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), ensure_ascii=False, indent=2, allow_nan=False) + "\n"

    def save(self, path: Path) -> None:
        path.write_text(self.to_json(), encoding="utf-8")


def _get(data: dict[str, Any], key: str, kind: type | tuple[type, ...], where: str) -> Any:
    if key not in data:
        raise ModelFileError(f"{where}: `{key}` is missing")
    value = data[key]
    if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
        raise ModelFileError(f"{where}: `{key}` has the wrong type")
    return value


def _variable(data: dict[str, Any], index: int) -> Variable:
    where = f"variables[{index}]"
    name = _get(data, "name", str, where)
    where = f"variable {name}"
    kind = _get(data, "kind", str, where)
    if kind not in (NUMERIC, CATEGORICAL):
        raise ModelFileError(f"{where}: `kind` must be numeric or categorical")
    splits = tuple(float(s) for s in _get(data, "splits", list, where))
    groups = tuple(tuple(str(c) for c in group) for group in _get(data, "groups", list, where))
    bins = tuple(
        Bin(
            label=_get(b, "label", str, f"{where} bin"),
            count=_get(b, "count", int, f"{where} bin"),
            bads=_get(b, "bads", int, f"{where} bin"),
            woe=float(_get(b, "woe", (int, float), f"{where} bin")),
            points=float(_get(b, "points", (int, float), f"{where} bin")),
        )
        for b in _get(data, "bins", list, where)
    )
    values = len(splits) + 1 if kind == NUMERIC else len(groups)
    if len(bins) != values + 1:
        raise ModelFileError(f"{where}: {len(bins)} bins for {values} value bins and the missing bin")
    if list(splits) != sorted(set(splits)):
        raise ModelFileError(f"{where}: `splits` must be strictly increasing")
    trend = _get(data, "trend", str, where)
    if trend not in TRENDS:
        raise ModelFileError(f"{where}: `trend` must be one of {', '.join(TRENDS)}")
    return Variable(
        name=name,
        kind=kind,
        splits=splits,
        groups=groups,
        bins=bins,
        coefficient=float(_get(data, "coefficient", (int, float), where)),
        trend=trend,
        monotone_required=bool(_get(data, "monotone_required", bool, where)),
        iv=float(_get(data, "iv", (int, float), where)),
    )


def bad_rate_trend(value_bins: tuple[Bin, ...] | list[Bin]) -> str:
    """The trend of the bad rate over the value bins: ascending, descending, flat (one bin) or none."""
    rates = [b.bads / b.count for b in value_bins if b.count]
    if len(rates) < 2:
        return "flat"
    steps = [later - earlier for earlier, later in zip(rates, rates[1:], strict=False)]
    if all(step >= 0 for step in steps):
        return "ascending"
    if all(step <= 0 for step in steps):
        return "descending"
    return "none"


def monotone_problem(variable: Variable, required: str) -> str | None:
    """Why a numeric variable's bins break the required trend (auto: either way), or None."""
    if variable.kind != NUMERIC or required == "none":
        return None
    trend = bad_rate_trend(variable.bins[:-1])
    if trend == "flat" or trend == required or (required == "auto" and trend != "none"):
        return None
    rates = ", ".join(f"{b.label}: {b.bads / b.count:.3f}" for b in variable.bins[:-1] if b.count)
    wanted = "monotone" if required == "auto" else required
    return f"{variable.name}: the bad rate is not {wanted} over its bins ({rates})"


def from_dict(data: dict[str, Any]) -> Scorecard:
    """A scorecard from its JSON form, checked field by field."""
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        raise ModelFileError(f"not a scorecard model: `schema` must be {SCHEMA}")
    scaling = _get(data, "scaling", dict, "model")
    variables = tuple(_variable(v, i) for i, v in enumerate(_get(data, "variables", list, "model")))
    if not variables:
        raise ModelFileError("model: `variables` is empty")
    for variable in variables:
        if variable.monotone_required and (problem := monotone_problem(variable, "auto")):
            raise ModelFileError(f"monotone bins were required: {problem}")
    names = [v.name for v in variables]
    if len(set(names)) != len(names):
        raise ModelFileError("model: a variable appears twice")
    return Scorecard(
        target=_get(data, "target", str, "model"),
        bad_value=_get(data, "bad_value", str, "model"),
        variables=variables,
        intercept=float(_get(data, "intercept", (int, float), "model")),
        scaling=Scaling(
            base_points=float(_get(scaling, "base_points", (int, float), "scaling")),
            base_odds=float(_get(scaling, "base_odds", (int, float), "scaling")),
            pdo=float(_get(scaling, "pdo", (int, float), "scaling")),
        ),
        metadata=dict(data.get("metadata") or {}),
    )


def load(path: Path) -> Scorecard:
    """Read a model file; a file that is not one raises ModelFileError naming what is wrong."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise ModelFileError(f"{path}: {error}") from None
    return from_dict(data)
