"""Scenario classifier for free text: colloquial cue words → the shared solution taxonomy, with the evidence.

Rule-based on purpose: the cues are data (lexicon.yaml), every score can be traced to the words that
produced it, and the classifier is evaluated on its own against labelled sentences
(data/scenario_sentences.txt, see `evaluate_classifier`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import numpy.typing as npt
import yaml

from engines.match import text
from engines.maturity.framework import SolutionCategory, solution_categories

HERE = Path(__file__).resolve().parent
LEXICON_FILE = HERE / "lexicon.yaml"
SENTENCES_FILE = HERE / "data" / "scenario_sentences.txt"
TAXONOMY_WEIGHT = 3.0
_MAX_JOIN = 3  # cues split by segmentation are found again by joining up to 3 neighbouring words
# "不想上云" asks for the opposite of 上云: a cue right after one of these words does not count for its
# scenario (deployment cues such as 不上云 carry their own negation and still count).
_REFUSALS = frozenset({"不想", "不要", "不用", "不需要", "无需", "不打算", "不愿意"})


class LexiconError(ValueError):
    """lexicon.yaml is invalid; the message names the YAML path."""


@dataclass(frozen=True)
class Lexicon:
    """Cue word → [(scenario index, weight)], scenarios in taxonomy order."""

    version: str
    scenario_ids: tuple[str, ...]
    cues: dict[str, tuple[tuple[int, float], ...]]
    deployment_cues: dict[str, str]  # cue → deployment id
    longest: int

    @property
    def categories(self) -> dict[str, SolutionCategory]:
        """The taxonomy entries, by id."""
        return solution_categories()


def _load() -> Lexicon:
    raw = yaml.safe_load(LEXICON_FILE.read_text(encoding="utf-8"))
    categories = solution_categories()
    ids = tuple(categories)
    index = {ident: i for i, ident in enumerate(ids)}
    if not isinstance(raw, dict) or not isinstance(raw.get("scenarios"), dict):
        raise LexiconError(f"{LEXICON_FILE.name}: scenarios: expected a mapping of scenario id → cues")
    weights: dict[str, dict[int, float]] = {}

    def put(cue: str, scenario: int, weight: float) -> None:
        key = text.normalise(cue)
        slot = weights.setdefault(key, {})
        slot[scenario] = max(slot.get(scenario, 0.0), weight)

    for category in categories.values():
        put(category.name.zh, index[category.id], TAXONOMY_WEIGHT)
        for keyword in category.keywords:
            put(keyword, index[category.id], TAXONOMY_WEIGHT)
    for ident, levels in raw["scenarios"].items():
        path = f"{LEXICON_FILE.name}: scenarios.{ident}"
        if ident not in index:
            raise LexiconError(f"{path}: not a solution category of the shared taxonomy")
        if not isinstance(levels, dict):
            raise LexiconError(f"{path}: expected weight → list of cue words")
        for weight, cues in levels.items():
            if weight not in (1, 2, 3) or not isinstance(cues, list):
                raise LexiconError(f"{path}.{weight}: weights are 1, 2 or 3, each with a list of words")
            for cue in cues:
                if not isinstance(cue, str | int) or not str(cue).strip():
                    raise LexiconError(f"{path}.{weight}: {cue!r} is not a word")
                put(str(cue), index[ident], float(weight))
    deployment: dict[str, str] = {}
    for ident, cues in (raw.get("deployment_cues") or {}).items():
        for cue in cues:
            deployment[text.normalise(str(cue))] = str(ident)
    frozen = {cue: tuple(sorted(slot.items())) for cue, slot in weights.items()}
    longest = max(len(cue) for cue in frozen)
    return Lexicon(str(raw.get("version", "")), ids, frozen, deployment, longest)


@cache
def lexicon() -> Lexicon:
    """The cue lexicon, loaded once (text.py adds its words to the segmentation dictionary)."""
    return _load()


@dataclass(frozen=True, slots=True)
class ScenarioScore:
    """One scenario found in a text, with the cue words that point to it."""

    id: str
    score: float
    cues: tuple[str, ...]


@dataclass(frozen=True)
class Classification:
    """Scenario scores of a text, best first, and the deployment it asks for (if any)."""

    scores: tuple[ScenarioScore, ...]
    vector: npt.NDArray[np.float64]  # per taxonomy scenario, best = 1, 0 = no evidence
    confidence: float  # 0..1, grows with the evidence of the best scenario
    deployment: str | None = None

    @property
    def top(self) -> str | None:
        """The best scenario id, or None when no cue was found."""
        return self.scores[0].id if self.scores else None

    def ids(self, *, min_share: float = 0.0) -> list[str]:
        """Scenario ids whose score is at least `min_share` of the best one."""
        if not self.scores:
            return []
        best = self.scores[0].score
        return [s.id for s in self.scores if s.score >= min_share * best]


def find_cues(words: Sequence[str], lex: Lexicon | None = None) -> list[str]:
    """Distinct cue words in a segmented text, in order of appearance (joins split cues back together).

    A scenario cue right after a refusal (不想, 不需要 …) is left out; deployment cues are always kept.
    """
    lex = lex or lexicon()
    found: dict[str, None] = {}
    n = len(words)
    for i in range(n):
        refused = i > 0 and words[i - 1] in _REFUSALS
        joined = ""
        for j in range(i, min(n, i + _MAX_JOIN)):
            joined += words[j]
            if len(joined) > lex.longest:
                break
            if joined in lex.deployment_cues or (joined in lex.cues and not refused):
                found[joined] = None
        word = words[i]
        if len(word) >= 3 and word not in lex.cues and not refused:  # a longer word containing a cue
            for size in range(min(len(word) - 1, lex.longest), 1, -1):
                for start in range(len(word) - size + 1):
                    part = word[start : start + size]
                    if part in lex.cues:
                        found[part] = None
    return list(found)


def classify_words(words: Sequence[str], lex: Lexicon | None = None) -> Classification:
    """Classify an already segmented text (see text.segment)."""
    lex = lex or lexicon()
    totals = np.zeros(len(lex.scenario_ids))
    evidence: dict[int, list[str]] = {}
    deployment: str | None = None
    for cue in find_cues(words, lex):
        if cue in lex.deployment_cues and deployment is None:
            deployment = lex.deployment_cues[cue]
        for scenario, weight in lex.cues.get(cue, ()):
            totals[scenario] += weight
            evidence.setdefault(scenario, []).append(cue)
    best = float(totals.max()) if totals.size else 0.0
    order = sorted(evidence, key=lambda s: (-totals[s], s))
    scores = tuple(ScenarioScore(lex.scenario_ids[s], float(totals[s]), tuple(evidence[s])) for s in order)
    vector = totals / best if best > 0 else totals
    return Classification(scores, vector, 1.0 - math.exp(-best / 3.0), deployment)


def classify(value: str, lex: Lexicon | None = None) -> Classification:
    """Scenario scores of a free text, e.g. '旺季房间老是订重' → business_management, ecommerce."""
    lex = lex or lexicon()
    return classify_words(text.segment(value), lex)


@dataclass(frozen=True)
class ClassifierReport:
    """Top-scenario quality on labelled sentences."""

    sentences: int
    predicted: int  # sentences where the classifier named a scenario
    correct: int  # top scenario is one of the labelled ones
    misses: tuple[tuple[str, str | None, tuple[str, ...]], ...]  # text, predicted, labelled

    @property
    def precision(self) -> float:
        """Correct top scenarios / sentences with a prediction."""
        return self.correct / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        """Correct top scenarios / all sentences."""
        return self.correct / self.sentences if self.sentences else 0.0

    def as_dict(self) -> dict[str, object]:
        """A JSON-ready mapping."""
        return {
            "sentences": self.sentences,
            "predicted": self.predicted,
            "correct": self.correct,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
        }


def labelled_sentences(split: str | None = None) -> list[tuple[str, tuple[str, ...]]]:
    """(text, labelled scenario ids) from data/scenario_sentences.txt, optionally one split (dev/test)."""
    known = set(solution_categories())
    result = []
    for number, line in enumerate(SENTENCES_FILE.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 3:
            raise ValueError(f"{SENTENCES_FILE.name} line {number}: expected split<TAB>scenarios<TAB>text")
        labels = tuple(s.strip() for s in parts[1].split(",") if s.strip())
        unknown = [s for s in labels if s not in known]
        if unknown or not labels:
            raise ValueError(f"{SENTENCES_FILE.name} line {number}: unknown scenarios {unknown}")
        if split is None or parts[0] == split:
            result.append((parts[2].strip(), labels))
    return result


def evaluate_classifier(
    sentences: Iterable[tuple[str, Sequence[str]]], lex: Lexicon | None = None
) -> ClassifierReport:
    """Precision and recall of the top scenario against labelled sentences (any labelled id counts)."""
    total = predicted = correct = 0
    misses = []
    for sentence, labels in sentences:
        total += 1
        top = classify(sentence, lex).top
        if top is not None:
            predicted += 1
        if top in labels:
            correct += 1
        else:
            misses.append((sentence, top, tuple(labels)))
    return ClassifierReport(total, predicted, correct, tuple(misses))
