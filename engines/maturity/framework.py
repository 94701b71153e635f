"""Assessment frameworks as data: the schema, the YAML loader and its validation.

A framework file holds dimensions → indicators → questions, level rules and optional sector
variants; each variant becomes one `Framework` (id `<file id>-<variant id>`). Every error names
the file and the YAML path, e.g. `miit-2024.yaml: dimensions[0].indicators[1].questions[0].bands`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal

import yaml

HERE = Path(__file__).resolve().parent
FRAMEWORKS_DIR = HERE / "frameworks"
SCENARIOS_FILE = HERE / "scenarios.yaml"
SOLUTIONS_FILE = HERE / "solution_categories.yaml"

SECTORS = ("manufacturing", "productive_services", "other")
QUESTION_TYPES = ("single", "multiple", "number", "before_after", "scenario")
SCENARIO_LEVELS = (1, 2, 3, 4)
QuestionType = Literal["single", "multiple", "number", "before_after", "scenario"]


class FrameworkError(ValueError):
    """A framework or taxonomy file is invalid; the message names the file and the YAML path."""

    def __init__(self, file: str, path: str, reason: str) -> None:
        self.file = file
        self.path = path
        self.reason = reason
        super().__init__(f"{file}: {path or '<root>'}: {reason}")


@dataclass(frozen=True, slots=True)
class Text:
    """A text in Simplified Chinese and English."""

    zh: str
    en: str


@dataclass(frozen=True, slots=True)
class Scenario:
    """One business scenario rated at level 1-4 (shared taxonomy in scenarios.yaml)."""

    id: str
    name: Text
    mandatory_for_manufacturing: bool
    keywords: tuple[str, ...]
    solutions: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SolutionCategory:
    """One solution scenario of the taxonomy shared with matchmaking."""

    id: str
    name: Text
    keywords: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Option:
    """A choice of a single- or multiple-choice question."""

    id: str
    label: Text
    score: float
    evidence: Text | None = None
    exclusive: bool = False  # "none of these": cannot be combined with other choices


@dataclass(frozen=True, slots=True)
class Band:
    """A numeric band: lower ≤ x < upper (None = open end)."""

    lower: float | None
    upper: float | None
    score: float


@dataclass(frozen=True, slots=True)
class Descriptor:
    """What scenario level 1-4 looks like, and what proves it."""

    level: int
    text: Text
    evidence: Text | None = None


@dataclass(frozen=True, slots=True)
class Question:
    """One question; its points count towards its dimension (scenario questions may score 0)."""

    id: str
    type: QuestionType
    text: Text
    dimension_id: str
    indicator_id: str
    options: tuple[Option, ...] = ()
    bands: tuple[Band, ...] = ()
    unit: str = ""  # in Chinese; unit_en in English (the same when the unit is a symbol such as %)
    min_value: float | None = None
    max_value: float | None = None
    direction: Literal["increase", "decrease"] = "increase"
    scenario_id: str | None = None
    descriptors: tuple[Descriptor, ...] = ()
    level_scores: tuple[float, float, float, float, float] = (0.0, 0.0, 0.0, 0.0, 0.0)
    cap: float | None = None  # multiple choice: most points the question can give
    evidence: Text | None = None
    effort: int = 2  # 1 (quick win) .. 5 (major project), for the roadmap's points per effort
    solutions: tuple[str, ...] = ()
    provisional: bool = False
    unit_en: str = ""

    @property
    def max_points(self) -> float:
        """The most points an answer can earn."""
        if self.type == "single":
            return max(o.score for o in self.options)
        if self.type == "multiple":
            total = sum(o.score for o in self.options if o.score > 0)
            return total if self.cap is None else min(total, self.cap)
        if self.type == "scenario":
            return max(self.level_scores)
        return max(b.score for b in self.bands)


@dataclass(frozen=True, slots=True)
class Indicator:
    """A group of questions inside a dimension."""

    id: str
    name: Text
    questions: tuple[Question, ...]


@dataclass(frozen=True, slots=True)
class Dimension:
    """A dimension: raw points, reported on `scale`, contributing `weight` to the total."""

    id: str
    name: Text
    points: float  # raw maximum (sum of its questions' maxima, checked at load)
    weight: float  # share of the total score
    scale: float  # dimension scores are reported as raw / points * scale
    indicators: tuple[Indicator, ...]

    @property
    def questions(self) -> tuple[Question, ...]:
        """Questions of every indicator, in file order."""
        return tuple(q for i in self.indicators for q in i.questions)


@dataclass(frozen=True, slots=True)
class Gate:
    """Scenario gate: at least `count` scenarios at ≥ `min_level`, `mandatory_count` of them mandatory."""

    min_level: int
    count: int
    mandatory_count: int = 0


@dataclass(frozen=True, slots=True)
class LevelRule:
    """A maturity level: a score threshold plus scenario gates."""

    level: int
    name: Text
    min_score: float
    strict: bool  # True: score must be above min_score (DMA "Average" is 26-50, i.e. > 25)
    gates: tuple[Gate, ...]
    provisional: bool = False


@dataclass(frozen=True, slots=True)
class DimensionBand:
    """A label for a dimension score range, e.g. DMA's Basic ≤ 25."""

    name: Text
    upper: float  # inclusive


@dataclass(frozen=True)
class Framework:
    """One scorable framework (a file, or one sector variant of a file)."""

    id: str
    family: str
    version: str
    name: Text
    source: str
    effective: str
    sector: str | None
    dimensions: tuple[Dimension, ...]
    levels: tuple[LevelRule, ...]
    scenarios: tuple[Scenario, ...]
    mandatory: frozenset[str]
    dimension_bands: tuple[DimensionBand, ...] = ()
    aggregate: Literal["sum", "mean"] = "sum"  # sum: Σ weight·raw/points; mean: mean of dimension scores
    rounds: tuple[str, ...] = ("T0", "T1", "T2")
    file: str = ""
    provisional_notes: tuple[str, ...] = ()
    family_name: Text | None = None  # the file's name, shared by its sector variants
    _by_id: dict[str, Question] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._by_id.update({q.id: q for q in self.questions})

    @property
    def questions(self) -> tuple[Question, ...]:
        """All questions in order."""
        return tuple(q for d in self.dimensions for q in d.questions)

    def question(self, question_id: str) -> Question:
        """The question with this id (KeyError if absent)."""
        return self._by_id[question_id]

    def has_question(self, question_id: str) -> bool:
        """Whether the id names a question of this framework."""
        return question_id in self._by_id

    @property
    def max_score(self) -> float:
        """The highest total score."""
        weighted = [d for d in self.dimensions if d.weight > 0]
        if self.aggregate == "mean":
            return sum(d.scale for d in weighted) / len(weighted)
        return sum(d.weight for d in weighted)

    def level_rule(self, level: int) -> LevelRule | None:
        """The rule of a level, or None."""
        return next((r for r in self.levels if r.level == level), None)

    def band_of(self, score: float) -> Text | None:
        """The dimension band a score falls in, or None when the framework defines none."""
        return next((b.name for b in self.dimension_bands if score <= b.upper), None)


# --- validation helpers -------------------------------------------------------------------------


class _Reader:
    """Typed access to parsed YAML that raises FrameworkError naming file and path."""

    def __init__(self, file: str) -> None:
        self.file = file

    def fail(self, path: str, reason: str) -> FrameworkError:
        return FrameworkError(self.file, path, reason)

    def mapping(self, value: object, path: str) -> Mapping[str, Any]:
        if not isinstance(value, Mapping):
            raise self.fail(path, f"expected a mapping, got {type(value).__name__}")
        return value

    def seq(self, value: object, path: str, *, allow_empty: bool = False) -> list[Any]:
        if not isinstance(value, list):
            raise self.fail(path, f"expected a list, got {type(value).__name__}")
        if not value and not allow_empty:
            raise self.fail(path, "must not be empty")
        return value

    def text(self, node: Mapping[str, Any], key: str, path: str) -> str:
        value = node.get(key)
        if isinstance(value, bool):
            raise self.fail(
                f"{path}.{key}", f"got {value}; quote the text (YAML reads yes/no/on/off as true/false)"
            )
        if not isinstance(value, str) or not value.strip():
            raise self.fail(f"{path}.{key}", "required text is missing or empty")
        return value

    def ident(self, node: Mapping[str, Any], path: str) -> str:
        value = self.text(node, "id", path)
        if not all(c.isalnum() or c in "_-" for c in value) or not value.isascii():
            raise self.fail(f"{path}.id", f"{value!r} must use only ASCII letters, digits, '_' and '-'")
        return value

    def bilingual(
        self, node: Mapping[str, Any], key: str, path: str, *, required: bool = True
    ) -> Text | None:
        value = node.get(key)
        if value is None and not required:
            return None
        where = f"{path}.{key}"
        mapping = self.mapping(value, where)
        return Text(zh=self.text(mapping, "zh", where), en=self.text(mapping, "en", where))

    def number(
        self, node: Mapping[str, Any], key: str, path: str, *, default: float | None = None
    ) -> float | None:
        value = node.get(key, default)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise self.fail(f"{path}.{key}", f"expected a finite number, got {value!r}")
        return float(value)

    def required_number(self, node: Mapping[str, Any], key: str, path: str) -> float:
        value = self.number(node, key, path)
        if value is None:
            raise self.fail(f"{path}.{key}", "required number is missing")
        return value

    def integer(self, node: Mapping[str, Any], key: str, path: str, default: int | None = None) -> int:
        value = node.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(f"{path}.{key}", f"expected a whole number, got {value!r}")
        return int(value)

    def flag(self, node: Mapping[str, Any], key: str, path: str) -> bool:
        value = node.get(key, False)
        if not isinstance(value, bool):
            raise self.fail(f"{path}.{key}", f"expected true or false, got {value!r}")
        return value

    def strings(self, node: Mapping[str, Any], key: str, path: str) -> tuple[str, ...]:
        value = node.get(key, [])
        items = self.seq(value, f"{path}.{key}", allow_empty=True)
        for index, item in enumerate(items):
            if not isinstance(item, str) or not item:
                raise self.fail(f"{path}.{key}[{index}]", f"expected text, got {item!r}")
        return tuple(items)

    def unique(self, ids: Iterable[tuple[str, str]], what: str) -> None:
        seen: set[str] = set()
        for value, path in ids:
            if value in seen:
                raise self.fail(path, f"duplicate {what} id {value!r}")
            seen.add(value)


def _read_yaml(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.safe_load(handle)
    except yaml.YAMLError as exc:
        raise FrameworkError(path.name, "", f"not valid YAML: {exc}") from None


@cache
def solution_categories() -> dict[str, SolutionCategory]:
    """The solution-scenario taxonomy, by id."""
    r = _Reader(SOLUTIONS_FILE.name)
    root = r.mapping(_read_yaml(SOLUTIONS_FILE), "")
    result: dict[str, SolutionCategory] = {}
    for index, raw in enumerate(r.seq(root.get("categories"), "categories")):
        path = f"categories[{index}]"
        node = r.mapping(raw, path)
        ident = r.ident(node, path)
        if ident in result:
            raise r.fail(f"{path}.id", f"duplicate category id {ident!r}")
        name = r.bilingual(node, "name", path)
        assert name is not None
        result[ident] = SolutionCategory(ident, name, r.strings(node, "keywords", path))
    return result


def _solutions(r: _Reader, node: Mapping[str, Any], path: str) -> tuple[str, ...]:
    ids = r.strings(node, "solutions", path)
    known = solution_categories()
    for index, ident in enumerate(ids):
        if ident not in known:
            raise r.fail(f"{path}.solutions[{index}]", f"unknown solution category {ident!r}")
    return ids


@cache
def scenario_taxonomy() -> dict[str, Scenario]:
    """The shared 16-scenario taxonomy, by id, in file order."""
    r = _Reader(SCENARIOS_FILE.name)
    root = r.mapping(_read_yaml(SCENARIOS_FILE), "")
    result: dict[str, Scenario] = {}
    for index, raw in enumerate(r.seq(root.get("scenarios"), "scenarios")):
        path = f"scenarios[{index}]"
        node = r.mapping(raw, path)
        ident = r.ident(node, path)
        if ident in result:
            raise r.fail(f"{path}.id", f"duplicate scenario id {ident!r}")
        name = r.bilingual(node, "name", path)
        assert name is not None
        result[ident] = Scenario(
            id=ident,
            name=name,
            mandatory_for_manufacturing=r.flag(node, "mandatory_for_manufacturing", path),
            keywords=r.strings(node, "keywords", path),
            solutions=_solutions(r, node, path),
        )
    return result


# --- framework files ----------------------------------------------------------------------------


def _bands(r: _Reader, node: Mapping[str, Any], path: str) -> tuple[Band, ...]:
    bands: list[Band] = []
    raw_bands = r.seq(node.get("bands"), f"{path}.bands")
    for index, raw in enumerate(raw_bands):
        where = f"{path}.bands[{index}]"
        item = r.mapping(raw, where)
        lower = r.number(item, "from", where)
        upper = r.number(item, "to", where)
        if index > 0 and lower != bands[-1].upper:
            raise r.fail(
                f"{where}.from", f"must equal the previous band's 'to' ({bands[-1].upper}), got {lower}"
            )
        if index > 0 and lower is None:
            raise r.fail(f"{where}.from", "only the first band may be open below")
        if upper is None and index != len(raw_bands) - 1:
            raise r.fail(f"{where}.to", "only the last band may be open above")
        if lower is not None and upper is not None and upper <= lower:
            raise r.fail(f"{where}.to", f"must be above 'from' ({lower}), got {upper}")
        bands.append(Band(lower, upper, r.required_number(item, "score", where)))
    return tuple(bands)


def _options(r: _Reader, node: Mapping[str, Any], path: str) -> tuple[Option, ...]:
    options: list[Option] = []
    for index, raw in enumerate(r.seq(node.get("options"), f"{path}.options")):
        where = f"{path}.options[{index}]"
        item = r.mapping(raw, where)
        label = r.bilingual(item, "label", where)
        assert label is not None
        options.append(
            Option(
                id=r.ident(item, where),
                label=label,
                score=r.required_number(item, "score", where),
                evidence=r.bilingual(item, "evidence", where, required=False),
                exclusive=r.flag(item, "exclusive", where),
            )
        )
    r.unique(((o.id, f"{path}.options[{i}].id") for i, o in enumerate(options)), "option")
    if len(options) < 2:
        raise r.fail(f"{path}.options", "a choice question needs at least two options")
    return tuple(options)


def _descriptors(r: _Reader, node: Mapping[str, Any], path: str) -> tuple[Descriptor, ...]:
    where = f"{path}.descriptors"
    raw = r.mapping(node.get("descriptors"), where)
    result: list[Descriptor] = []
    for level in SCENARIO_LEVELS:
        item_path = f"{where}.{level}"
        by_key: dict[object, Any] = {k: v for k, v in raw.items()}  # noqa: C416  YAML keys 1..4 arrive as ints (or strings when quoted)
        item = r.mapping(by_key.get(level, by_key.get(str(level))), item_path)
        text = Text(zh=r.text(item, "zh", item_path), en=r.text(item, "en", item_path))
        evidence = r.bilingual(item, "evidence", item_path, required=False)
        result.append(Descriptor(level, text, evidence))
    extra = {str(k) for k in raw} - {str(level) for level in SCENARIO_LEVELS}
    if extra:
        raise r.fail(where, f"only levels 1-4 are described; remove {sorted(extra)}")
    return tuple(result)


def _question(
    r: _Reader,
    raw: object,
    path: str,
    *,
    dimension_id: str,
    indicator_id: str,
    sector: str | None,
    scenarios: Mapping[str, Scenario],
) -> Question | None:
    node = r.mapping(raw, path)
    ident = r.ident(node, path)
    kind = node.get("type")
    if kind not in QUESTION_TYPES:
        raise r.fail(f"{path}.type", f"must be one of {', '.join(QUESTION_TYPES)}, got {kind!r}")
    sectors = r.strings(node, "sectors", path)
    for index, value in enumerate(sectors):
        if value not in SECTORS:
            raise r.fail(f"{path}.sectors[{index}]", f"must be one of {', '.join(SECTORS)}, got {value!r}")
    effort = r.integer(node, "effort", path, default=2)
    if not 1 <= effort <= 5:
        raise r.fail(f"{path}.effort", f"must be 1-5, got {effort}")
    common: dict[str, Any] = {
        "id": ident,
        "type": kind,
        "dimension_id": dimension_id,
        "indicator_id": indicator_id,
        "evidence": r.bilingual(node, "evidence", path, required=False),
        "effort": effort,
        "solutions": _solutions(r, node, path),
        "provisional": r.flag(node, "provisional", path),
    }
    if kind == "scenario":
        scenario_id = r.text(node, "scenario", path)
        if scenario_id not in scenarios:
            raise r.fail(f"{path}.scenario", f"unknown scenario {scenario_id!r}; see scenarios.yaml")
        scenario = scenarios[scenario_id]
        text = r.bilingual(node, "text", path, required=False) or Text(
            zh=f"{scenario.name.zh}：目前达到哪一级？",
            en=f"{scenario.name.en}: which level describes you today?",
        )
        scores = node.get("level_scores", [0, 0, 0, 0, 0])
        items = r.seq(scores, f"{path}.level_scores")
        if len(items) != 5:
            raise r.fail(f"{path}.level_scores", "give five scores, for levels 0 (not started) to 4")
        values = tuple(
            r.required_number({"v": v}, "v", f"{path}.level_scores[{i}]") for i, v in enumerate(items)
        )
        question = Question(
            **common,
            text=text,
            scenario_id=scenario_id,
            descriptors=_descriptors(r, node, path),
            level_scores=(values[0], values[1], values[2], values[3], values[4]),
        )
    else:
        given_text = r.bilingual(node, "text", path)
        assert given_text is not None
        text = given_text
        if kind in ("single", "multiple"):
            question = Question(
                **common, text=text, options=_options(r, node, path), cap=r.number(node, "cap", path)
            )
            if kind == "single" and any(o.exclusive for o in question.options):
                raise r.fail(f"{path}.options", "'exclusive' only applies to multiple-choice questions")
        else:
            unit = _unit(r, node, path)
            direction = node.get("direction", "increase")
            if direction not in ("increase", "decrease"):
                raise r.fail(f"{path}.direction", f"must be increase or decrease, got {direction!r}")
            question = Question(
                **common,
                text=text,
                bands=_bands(r, node, path),
                unit=unit.zh,
                unit_en=unit.en,
                min_value=r.number(node, "min", path, default=0.0),
                max_value=r.number(node, "max", path),
                direction=direction,
            )
            low, high = question.min_value, question.max_value
            if low is not None and high is not None and high <= low:
                raise r.fail(f"{path}.max", f"must be above min ({low})")
    if sectors and sector is not None and sector not in sectors:
        return None
    return question


def _unit(r: _Reader, node: Mapping[str, Any], path: str) -> Text:
    """A unit in both languages: {zh, en}, or one symbol both read alike (%, kg)."""
    raw = node.get("unit", "")
    if isinstance(raw, Mapping):
        unit = r.bilingual(node, "unit", path)
        assert unit is not None
        return unit
    text = str(raw)
    if any("\u3400" <= ch <= "\u9fff" for ch in text):
        raise r.fail(f"{path}.unit", f"{text!r} is Chinese; give it as {{zh: ..., en: ...}}")
    return Text(text, text)


def _levels(r: _Reader, raw: object, path: str) -> tuple[LevelRule, ...]:
    rules: list[LevelRule] = []
    for index, item_raw in enumerate(r.seq(raw, path)):
        where = f"{path}[{index}]"
        item = r.mapping(item_raw, where)
        level = r.integer(item, "level", where)
        if level != index + 1:
            raise r.fail(f"{where}.level", f"levels must run 1, 2, 3...; expected {index + 1}, got {level}")
        name = r.bilingual(item, "name", where)
        assert name is not None
        above = r.number(item, "above", where)
        at_least = r.number(item, "min_score", where)
        if (above is None) == (at_least is None):
            raise r.fail(where, "give exactly one of 'min_score' (score ≥ x) or 'above' (score > x)")
        threshold = above if above is not None else at_least
        assert threshold is not None
        if rules and threshold < rules[-1].min_score:
            raise r.fail(where, f"score threshold {threshold} is below level {level - 1}'s")
        gates: list[Gate] = []
        for gate_index, gate_raw in enumerate(
            r.seq(item.get("gates", []), f"{where}.gates", allow_empty=True)
        ):
            gate_path = f"{where}.gates[{gate_index}]"
            gate = r.mapping(gate_raw, gate_path)
            min_level = r.integer(gate, "min_level", gate_path)
            if min_level not in SCENARIO_LEVELS:
                raise r.fail(f"{gate_path}.min_level", f"must be 1-4, got {min_level}")
            count = r.integer(gate, "count", gate_path, default=0)
            mandatory = r.integer(gate, "mandatory_count", gate_path, default=0)
            if count < 0 or mandatory < 0 or mandatory > count:
                raise r.fail(gate_path, "counts must be ≥ 0 and mandatory_count ≤ count")
            gates.append(Gate(min_level, count, mandatory))
        rules.append(
            LevelRule(
                level, name, threshold, above is not None, tuple(gates), r.flag(item, "provisional", where)
            )
        )
    return tuple(rules)


def _build(
    r: _Reader,
    root: Mapping[str, Any],
    *,
    family: str,
    variant: Mapping[str, Any] | None,
    variant_path: str,
) -> Framework:
    taxonomy = scenario_taxonomy()
    sector: str | None = None
    ident = family
    name = family_name = r.bilingual(root, "name", "")
    assert name is not None
    levels_raw: object = root.get("levels")
    levels_path = "levels"
    mandatory: frozenset[str] = frozenset()
    if variant is not None:
        ident = f"{family}-{r.ident(variant, variant_path)}"
        sector = variant.get("sector")
        if sector not in SECTORS:
            raise r.fail(f"{variant_path}.sector", f"must be one of {', '.join(SECTORS)}, got {sector!r}")
        name = r.bilingual(variant, "name", variant_path) or name
        if "levels" in variant:
            levels_raw, levels_path = variant["levels"], f"{variant_path}.levels"
        if r.flag(variant, "manufacturing_mandatory_scenarios", variant_path):
            mandatory = frozenset(s.id for s in taxonomy.values() if s.mandatory_for_manufacturing)
    dimensions: list[Dimension] = []
    for d_index, d_raw in enumerate(r.seq(root.get("dimensions"), "dimensions")):
        d_path = f"dimensions[{d_index}]"
        d_node = r.mapping(d_raw, d_path)
        d_id = r.ident(d_node, d_path)
        indicators: list[Indicator] = []
        for i_index, i_raw in enumerate(r.seq(d_node.get("indicators"), f"{d_path}.indicators")):
            i_path = f"{d_path}.indicators[{i_index}]"
            i_node = r.mapping(i_raw, i_path)
            i_id = r.ident(i_node, i_path)
            questions = [
                q
                for q_index, q_raw in enumerate(r.seq(i_node.get("questions"), f"{i_path}.questions"))
                if (
                    q := _question(
                        r,
                        q_raw,
                        f"{i_path}.questions[{q_index}]",
                        dimension_id=d_id,
                        indicator_id=i_id,
                        sector=sector,
                        scenarios=taxonomy,
                    )
                )
                is not None
            ]
            points = r.number(i_node, "points", i_path)
            got = sum(q.max_points for q in questions)
            if points is not None and not math.isclose(got, points):
                raise r.fail(
                    f"{i_path}.points", f"declares {points:g} but its questions{_for(sector)} give {got:g}"
                )
            i_name = r.bilingual(i_node, "name", i_path)
            assert i_name is not None
            indicators.append(Indicator(i_id, i_name, tuple(questions)))
        d_points = r.required_number(d_node, "points", d_path)
        got = sum(q.max_points for i in indicators for q in i.questions)
        if not math.isclose(got, d_points):
            raise r.fail(
                f"{d_path}.points", f"declares {d_points:g} but its questions{_for(sector)} give {got:g}"
            )
        weight = r.number(d_node, "weight", d_path, default=d_points)
        scale = r.number(d_node, "scale", d_path, default=d_points)
        assert weight is not None and scale is not None
        if weight > 0 and d_points <= 0:
            raise r.fail(f"{d_path}.weight", "a dimension with no points cannot carry weight")
        d_name = r.bilingual(d_node, "name", d_path)
        assert d_name is not None
        dimensions.append(Dimension(d_id, d_name, d_points, weight, scale, tuple(indicators)))
    r.unique(((d.id, f"dimensions[{i}].id") for i, d in enumerate(dimensions)), "dimension")
    all_questions = [q for d in dimensions for q in d.questions]
    r.unique(((q.id, f"questions ({q.dimension_id}).id") for q in all_questions), "question")
    used = [q.scenario_id for q in all_questions if q.scenario_id is not None]
    r.unique(((s, f"scenario questions ({s})") for s in used), "scenario")
    scenarios = tuple(taxonomy[s] for s in used)
    mandatory = mandatory & frozenset(used)
    levels = _levels(r, levels_raw, levels_path)
    for rule in levels:
        for gate in rule.gates:
            if gate.count > len(scenarios) or gate.mandatory_count > len(mandatory):
                raise r.fail(
                    levels_path,
                    f"level {rule.level} asks for {gate.count} scenarios ({gate.mandatory_count} mandatory) "
                    f"but{_for(sector)} only {len(scenarios)} ({len(mandatory)} mandatory) are assessed",
                )
    bands: list[DimensionBand] = []
    for b_index, b_raw in enumerate(
        r.seq(root.get("dimension_bands", []), "dimension_bands", allow_empty=True)
    ):
        b_path = f"dimension_bands[{b_index}]"
        b_node = r.mapping(b_raw, b_path)
        b_name = r.bilingual(b_node, "name", b_path)
        assert b_name is not None
        bands.append(DimensionBand(b_name, r.required_number(b_node, "upper", b_path)))
    aggregate = root.get("aggregate", "sum")
    if aggregate not in ("sum", "mean"):
        raise r.fail("aggregate", f"must be sum or mean, got {aggregate!r}")
    if not any(d.weight > 0 for d in dimensions):
        raise r.fail("dimensions", "at least one dimension must carry weight")
    return Framework(
        id=ident,
        family=family,
        version=str(root.get("version", "")) or _missing(r, "version"),
        name=name,
        source=r.text(root, "source", ""),
        effective=str(root.get("effective", "")) or _missing(r, "effective"),
        sector=sector,
        dimensions=tuple(dimensions),
        levels=levels,
        scenarios=scenarios,
        mandatory=mandatory,
        dimension_bands=tuple(bands),
        aggregate=aggregate,
        rounds=r.strings(root, "rounds", "") or ("T0", "T1", "T2"),
        file=r.file,
        provisional_notes=r.strings(root, "provisional_notes", ""),
        family_name=family_name,
    )


def _for(sector: str | None) -> str:
    return "" if sector is None else f" (sector {sector})"


def _missing(r: _Reader, key: str) -> str:
    raise r.fail(key, "required value is missing")


def load_framework_file(path: Path) -> list[Framework]:
    """Load one framework file: one Framework, or one per sector variant."""
    r = _Reader(path.name)
    root = r.mapping(_read_yaml(path), "")
    family = r.ident(root, "")
    if family != path.stem:
        raise r.fail("id", f"must match the file name {path.stem!r}, got {family!r}")
    variants = root.get("variants")
    if variants is None:
        return [_build(r, root, family=family, variant=None, variant_path="")]
    result = [
        _build(r, root, family=family, variant=r.mapping(v, f"variants[{i}]"), variant_path=f"variants[{i}]")
        for i, v in enumerate(r.seq(variants, "variants"))
    ]
    r.unique(((f.id, f"variants[{i}].id") for i, f in enumerate(result)), "variant")
    return result


def load_frameworks(*directories: Path) -> dict[str, Framework]:
    """Every framework in the shipped directory plus any extra directories, by id."""
    result: dict[str, Framework] = {}
    for directory in (FRAMEWORKS_DIR, *directories):
        for path in sorted(directory.glob("*.yaml")):
            for framework in load_framework_file(path):
                if framework.id in result:
                    raise FrameworkError(path.name, "id", f"framework {framework.id!r} is already defined")
                result[framework.id] = framework
    return result


@cache
def shipped_frameworks() -> dict[str, Framework]:
    """The frameworks under engines/maturity/frameworks, loaded and validated once."""
    return load_frameworks()


def get_framework(framework_id: str) -> Framework:
    """A shipped framework by id; KeyError lists the known ids."""
    known = shipped_frameworks()
    if framework_id not in known:
        raise KeyError(f"unknown framework {framework_id!r}; known: {', '.join(sorted(known))}")
    return known[framework_id]
