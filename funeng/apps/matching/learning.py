"""Learning to rank from use: logged events → training rows → a re-ranker, evaluated (services.ranking_model_save saves it).

The interaction log (MatchEvent: impressions, clicks, proposals requested, deals) becomes one label
per need × solution (the best event). Features are computed by the engine on today's index for
exactly the logged pairs, so a solution that has since dropped out of the top still counts; logged
solutions that are no longer matchable are left out and counted. Needs are split by a hash of their
id: 80 % train, 20 % measure NDCG@10 of their logged labels, hand blend against the model. The model
is also measured against graded judgments on a labelled set (the dev set by default).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from django.db.models import Count

from engines.match.evaluate import blend_and_model_scores
from engines.match.io import read_judged_set
from engines.match.ltr import (
    DEFAULT_L2,
    MIN_NEEDS,
    LearnedRanker,
    ModelError,
    blend_and_model_ndcg,
    informative,
    labels_from_events,
    split_needs,
    train,
    training_set,
    weights_table,
)
from engines.match.metrics import Scores
from engines.match.model import Need as EngineNeed
from funeng.apps.matching.models import MatchEvent, Need
from funeng.apps.matching.ranking import catalogue, engine_need

MODEL_OBJECT_TYPE = "matching.ranking_model"
DEV_TOLERANCE = 0.01  # NDCG@10 the model may lose against the blend on the labelled set and still be saved


@dataclass(frozen=True)
class LoggedUse:
    """The labels the log gives, the needs they belong to (as engine inputs) and event counts."""

    labels: dict[str, dict[str, int]]
    needs: dict[str, EngineNeed]
    events: int
    kinds: dict[str, int]


def logged_use(*, since: dt.datetime | None = None) -> LoggedUse:
    """Read the interaction log (optionally from `since` on) as labels per need × solution."""
    events = MatchEvent.objects.all()
    if since is not None:
        events = events.filter(at__gte=since)
    kinds = {row["kind"]: row["n"] for row in events.order_by().values("kind").annotate(n=Count("pk"))}
    triples = events.order_by().values_list("need_id", "solution_id", "kind").distinct()
    labels = labels_from_events((str(n), str(s), kind) for n, s, kind in triples.iterator(chunk_size=5000))
    needs = {
        str(need.pk): engine_need(need)
        for need in Need.objects.filter(pk__in=events.order_by().values("need_id")).iterator(chunk_size=2000)
    }
    return LoggedUse(labels, needs, sum(kinds.values()), kinds)


@dataclass(frozen=True)
class LabelledComparison:
    """Blend and model against graded judgments of a labelled set."""

    folder: Path
    blend: Scores
    learned: Scores

    @property
    def ndcg_change(self) -> float:
        """Model NDCG@10 minus blend NDCG@10."""
        return self.learned.ndcg10 - self.blend.ndcg10


@dataclass(frozen=True)
class TrainingReport:
    """What was learned from which events, and how it compares with the hand blend."""

    model: LearnedRanker
    use: LoggedUse
    informative_needs: int
    training_needs: int
    held_needs: int
    missing_pairs: int
    held_blend: float
    held_learned: float
    labelled: LabelledComparison | None
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """The `matching_train --json` layout (without the save outcome)."""
        return {
            "ranker": self.model.name,
            "events": {"total": self.use.events, **self.use.kinds},
            "needs": {
                "logged": len(self.use.labels),
                "with_pairs": self.informative_needs,
                "training": self.training_needs,
                "held_out": self.held_needs,
            },
            "pairs": self.model.metadata.get("pairs"),
            "pairs_skipped": self.missing_pairs,
            "logged_holdout": {
                "needs": self.held_needs,
                "blend": {"ndcg@10": round(self.held_blend, 4)},
                "learned": {"ndcg@10": round(self.held_learned, 4)},
            },
            "labelled_set": None
            if self.labelled is None
            else {
                "folder": str(self.labelled.folder),
                "needs": self.labelled.blend.needs,
                "blend": self.labelled.blend.as_dict(),
                "learned": self.labelled.learned.as_dict(),
            },
            "weights": {name: round(weight, 6) for name, weight in weights_table(self.model)},
        }


def compare_on_labelled(folder: Path, model: LearnedRanker) -> LabelledComparison:
    """NDCG@10, Recall@50 and MRR of blend and model on a folder of solutions.jsonl, needs.jsonl, qrels.tsv."""
    solutions, needs, qrels = read_judged_set(folder)
    if not solutions:
        raise ModelError(f"{folder / 'solutions.jsonl'}: no solutions to rank")
    return LabelledComparison(folder, *blend_and_model_scores(solutions, needs, qrels, model))


def ranking_model_train(
    *,
    now: dt.datetime,
    since: dt.datetime | None = None,
    eval_dir: Path | None = None,
    l2: float = DEFAULT_L2,
    min_needs: int = MIN_NEEDS,
) -> TrainingReport:
    """Train a re-ranker on the log and evaluate it; writes nothing.

    Raises ModelError when there is too little to learn from and MatchInputError for a bad labelled set.
    """
    current = catalogue()
    if current.index is None:
        raise ModelError("no published solution to rank: publish solutions and log their use first")
    use = logged_use(since=since)
    useful = informative(use.labels)
    if len(useful) < min_needs:
        raise ModelError(
            f"too few events to learn from: {len(useful)} needs have both a positive (click, proposal "
            f"or deal) and a lower-labelled solution, at least {min_needs} are needed; collect more use first"
        )
    data = training_set(current.index, use.needs, use.labels)
    fit_ids, held_ids = split_needs(useful)
    metadata = {"events": use.events, "since": since.isoformat() if since else None}
    model = train(
        data.subset(fit_ids),
        trained_at=now.isoformat(timespec="seconds"),
        l2=l2,
        min_needs=1,
        metadata=metadata,
    )
    held_blend, held_learned, held_needs = blend_and_model_ndcg(data.subset(held_ids), model)
    labelled = compare_on_labelled(eval_dir, model) if eval_dir is not None else None
    evaluation: dict[str, Any] = {
        "logged_holdout": {"needs": held_needs, "blend": held_blend, "learned": held_learned}
    }
    if labelled is not None:
        evaluation["labelled_set"] = {
            "folder": labelled.folder.name,
            "blend": labelled.blend.as_dict(),
            "learned": labelled.learned.as_dict(),
        }
    model = replace(model, metadata={**model.metadata, "evaluation": evaluation})
    notes = []
    if data.missing:
        notes.append(f"{data.missing} logged pairs skipped: the solution or need is no longer available")
    return TrainingReport(
        model=model,
        use=use,
        informative_needs=len(useful),
        training_needs=int(model.metadata["needs"]),
        held_needs=held_needs,
        missing_pairs=data.missing,
        held_blend=held_blend,
        held_learned=held_learned,
        labelled=labelled,
        notes=notes,
    )


def labelled_folder_problem(folder: Path) -> str | None:
    """Why a labelled-set folder cannot be used, or None."""
    if not folder.is_dir():
        return f"{folder}: no such folder (give --eval-dir a folder with solutions.jsonl, needs.jsonl, qrels.tsv)"
    for name in ("solutions.jsonl", "needs.jsonl", "qrels.tsv"):
        if not (folder / name).is_file():
            return f"{folder}: {name} is missing"
    return None
