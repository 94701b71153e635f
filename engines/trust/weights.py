"""Load and validate the trust-score weights (weights.yaml); every error names the file and the key."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

WEIGHTS_FILE = Path(__file__).resolve().parent / "weights.yaml"
COMPONENTS = ("vetting", "rating", "completion", "complaints", "outcomes")
# A provider's vetting state on the platform; the weights may give a value to any of them.
VETTING_STATES = ("applied", "approved", "rejected", "suspended")
# Each constant with the closed range it must fall in (None = open end); see weights.yaml for why.
CONSTANT_RANGES: dict[str, tuple[float | None, float | None]] = {
    "neutral": (0.0, 1.0),
    "rating_prior": (1.0, 5.0),  # stars
    "rating_prior_reviews": (0.0, None),
    "completion_prior": (0.0, 1.0),
    "completion_prior_deals": (0.0, None),
    "complaint_factor": (0.0, None),
    "outcome_prior_clients": (0.0, None),
    "outcome_scale": (1e-9, None),  # a divisor
}
SUM_TOLERANCE = 1e-9
_TOP_KEYS = (
    "id",
    "version",
    "effective_from",
    "basis",
    "weights",
    "constants",
    "vetting_values",
)
_BASIS_KEYS = ("document", "clause", "quote", "note")
_SETTING_KEYS = ("value", "note")


class TrustWeightsError(ValueError):
    """A weights file that cannot be used; the message names the file, the key and what to change."""

    def __init__(self, file: str, key: str, reason: str) -> None:
        self.file, self.key, self.reason = file, key, reason
        super().__init__(f"{file}: {key or '<root>'}: {reason}")


@dataclass(frozen=True, slots=True)
class Note:
    """Where a number comes from, in Simplified Chinese and English."""

    zh: str
    en: str

    def text(self, language: str) -> str:
        """The note in `language` ("zh-hans", "zh", "en"…); Chinese unless English is asked for."""
        return self.en if language.lower().startswith("en") else self.zh


@dataclass(frozen=True, slots=True)
class Basis:
    """The clause the score answers to, quoted, and what it does (not) settle."""

    document: str
    clause: str
    quote: str
    note: Note


@dataclass(frozen=True)
class TrustWeights:
    """One version of the weights and constants of the trust score, each with its note."""

    id: str
    version: str
    effective_from: dt.date
    file: str
    basis: Basis
    weights: Mapping[str, float]  # component → weight, in COMPONENTS order
    vetting_values: Mapping[str, float]  # vetting state → vetting component; other states give 0
    neutral: float
    rating_prior: float
    rating_prior_reviews: float
    completion_prior: float
    completion_prior_deals: float
    complaint_factor: float
    outcome_prior_clients: float
    outcome_scale: float
    notes: Mapping[str, Note]  # YAML key ("weights.rating", "constants.neutral", …) → its note

    def note(self, key: str) -> Note:
        """The note of one YAML key, e.g. "weights.rating"; KeyError lists the keys with notes."""
        if key not in self.notes:
            raise KeyError(f"no note for {key!r}; notes exist for {', '.join(self.notes)}")
        return self.notes[key]


class _Reader:
    """Typed access to the parsed YAML that raises TrustWeightsError naming the file and key."""

    def __init__(self, file: str) -> None:
        self.file = file

    def fail(self, key: str, reason: str) -> TrustWeightsError:
        return TrustWeightsError(self.file, key, reason)

    def mapping(self, value: object, key: str, expected: tuple[str, ...] | None = None) -> Mapping[str, Any]:
        if not isinstance(value, Mapping):
            raise self.fail(key, f"expected a mapping, got {type(value).__name__}")
        if expected is not None:
            where = f"{key}." if key else ""
            unknown = [k for k in value if k not in expected]
            if unknown:
                raise self.fail(f"{where}{unknown[0]}", f"unknown key; known keys: {', '.join(expected)}")
            missing = [k for k in expected if k not in value]
            if missing:
                raise self.fail(f"{where}{missing[0]}", "required key is missing")
        return value

    def text(self, value: object, key: str) -> str:
        if isinstance(value, bool):
            raise self.fail(key, f"got {value}; quote the text (YAML reads yes/no/on/off as true/false)")
        if not isinstance(value, str) or not value.strip():
            raise self.fail(key, "required text is missing or empty")
        return value.strip()

    def note(self, value: object, key: str) -> Note:
        node = self.mapping(value, key, ("zh", "en"))
        return Note(zh=self.text(node["zh"], f"{key}.zh"), en=self.text(node["en"], f"{key}.en"))

    def number(self, value: object, key: str, low: float | None, high: float | None) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise self.fail(key, f"expected a finite number, got {value!r}")
        if (low is not None and value < low) or (high is not None and value > high):
            bounds = f"[{low if low is not None else '-inf'}, {high if high is not None else 'inf'}]"
            raise self.fail(key, f"{value} is outside {bounds}")
        # a whole number stays an int: pages show "5 more reviews" as written, and counts enter the
        # formula exactly as the integer constants of the code they replaced did
        return value

    def setting(
        self, value: object, key: str, notes: dict[str, Note], low: float | None, high: float | None
    ) -> float:
        node = self.mapping(value, key, _SETTING_KEYS)
        notes[key] = self.note(node["note"], f"{key}.note")
        return self.number(node["value"], f"{key}.value", low, high)

    def date(self, value: object, key: str) -> dt.date:
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value
        try:
            return dt.date.fromisoformat(self.text(value, key))
        except ValueError:
            raise self.fail(key, f"expected a date YYYY-MM-DD, got {value!r}") from None


def _read_yaml(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.safe_load(handle)
    except OSError as exc:
        raise TrustWeightsError(path.name, "", f"cannot be read ({exc.strerror})") from None
    except yaml.YAMLError as exc:
        raise TrustWeightsError(path.name, "", f"not valid YAML: {exc}") from None


def load_weights(path: Path = WEIGHTS_FILE) -> TrustWeights:
    """Read and validate one weights file: known keys only, weights in [0, 1] summing to 1, notes in zh and en."""
    r = _Reader(path.name)
    root = r.mapping(_read_yaml(path), "", _TOP_KEYS)
    version = root["version"]
    if not isinstance(version, str):
        raise r.fail(
            "version", f"got {version!r}; quote the version so YAML keeps it as text, e.g. '2026.11.1'"
        )
    notes: dict[str, Note] = {}

    basis_node = r.mapping(root["basis"], "basis", _BASIS_KEYS)
    basis = Basis(
        document=r.text(basis_node["document"], "basis.document"),
        clause=r.text(basis_node["clause"], "basis.clause"),
        quote=r.text(basis_node["quote"], "basis.quote"),
        note=r.note(basis_node["note"], "basis.note"),
    )

    weight_nodes = r.mapping(root["weights"], "weights", COMPONENTS)
    weights = {c: r.setting(weight_nodes[c], f"weights.{c}", notes, 0.0, 1.0) for c in COMPONENTS}
    total = math.fsum(weights.values())
    if abs(total - 1.0) > SUM_TOLERANCE:
        shares = ", ".join(f"{c} {w:g}" for c, w in weights.items())
        raise r.fail(
            "weights",
            f"the weights must sum to 1, they sum to {total:.12g} ({shares}); change them so they do",
        )

    constant_nodes = r.mapping(root["constants"], "constants", tuple(CONSTANT_RANGES))
    constants = {
        name: r.setting(constant_nodes[name], f"constants.{name}", notes, low, high)
        for name, (low, high) in CONSTANT_RANGES.items()
    }

    vetting_nodes = r.mapping(root["vetting_values"], "vetting_values")
    vetting_values = {}
    for state, node in vetting_nodes.items():
        if state not in VETTING_STATES:
            raise r.fail(
                f"vetting_values.{state}", f"unknown vetting state; known: {', '.join(VETTING_STATES)}"
            )
        vetting_values[state] = r.setting(node, f"vetting_values.{state}", notes, 0.0, 1.0)

    return TrustWeights(
        id=r.text(root["id"], "id"),
        version=r.text(version, "version"),
        effective_from=r.date(root["effective_from"], "effective_from"),
        file=path.name,
        basis=basis,
        weights=weights,
        vetting_values=vetting_values,
        neutral=constants["neutral"],
        rating_prior=constants["rating_prior"],
        rating_prior_reviews=constants["rating_prior_reviews"],
        completion_prior=constants["completion_prior"],
        completion_prior_deals=constants["completion_prior_deals"],
        complaint_factor=constants["complaint_factor"],
        outcome_prior_clients=constants["outcome_prior_clients"],
        outcome_scale=constants["outcome_scale"],
        notes=notes,
    )


@cache
def shipped_weights() -> TrustWeights:
    """The weights under engines/trust/weights.yaml, loaded and validated once."""
    return load_weights()
