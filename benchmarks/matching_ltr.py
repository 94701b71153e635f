"""Learning to rank, offline: simulated use of the dev set, a trained re-ranker, before/after on dev and held-out.

Run: .venv/bin/python benchmarks/matching_ltr.py [--sessions 5] [--seed 6] [--l2 0.05]

No database. Logs are simulated on the **dev** set from its graded judgments (qrels) with a
position-biased click model: each session shows the engine's (hand blend) top 10 for a dev need;
a shown solution is clicked with probability examination(position) × attractiveness(grade), where
examination = 1 / position; a click leads to a proposal request and a proposal to a deal with
grade-driven probabilities. Everything is drawn from a seeded NumPy generator. The re-ranker is
trained on those logs (80 % of the dev needs; the other 20 %, split by a hash of the need id as the
command does, measure NDCG@10 on their logged labels), then the engine with and without it is
scored against the qrels on dev and on the held-out set, which is never used for training.
Figures are printed whatever they are.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from anywhere, installed or not
    sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from engines.match import build_index, rank_needs  # noqa: E402
from engines.match.evaluate import blend_and_model_scores  # noqa: E402
from engines.match.io import read_judged_set  # noqa: E402
from engines.match.ltr import (  # noqa: E402
    DEFAULT_L2,
    LearnedRanker,
    blend_and_model_ndcg,
    describe,
    labels_from_events,
    split_needs,
    train,
    training_set,
)
from engines.match.metrics import Scores  # noqa: E402

DATA = ROOT / "benchmarks" / "data" / "matching"
SEED = 6
SHOWN = 10  # matches kept and shown per need (MATCHES_KEPT)
ATTRACTIVE = {0: 0.05, 1: 0.25, 2: 0.55, 3: 0.9}  # click probability when examined, by grade
PROPOSAL = {0: 0.02, 1: 0.1, 2: 0.35, 3: 0.6}  # after a click
DEAL = {0: 0.0, 1: 0.1, 2: 0.3, 3: 0.6}  # after a proposal request


def simulate(
    shown: dict[str, list[str]], qrels: dict, sessions: int, seed: int
) -> list[tuple[str, str, str]]:
    """(need id, solution id, kind) events of `sessions` visits to each need's shown list."""
    rng = np.random.default_rng(seed)
    events = []
    for need_id in sorted(shown):
        judged = qrels.get(need_id, {})
        for _ in range(sessions):
            for position, solution_id in enumerate(shown[need_id], start=1):
                events.append((need_id, solution_id, "impression"))
                grade = judged.get(solution_id, 0)
                if rng.random() >= ATTRACTIVE[grade] / position:
                    continue
                events.append((need_id, solution_id, "click"))
                if rng.random() >= PROPOSAL[grade]:
                    continue
                events.append((need_id, solution_id, "proposal_requested"))
                if rng.random() < DEAL[grade]:
                    events.append((need_id, solution_id, "deal"))
    return events


def evaluate(name: str, model: LearnedRanker) -> tuple[Scores, Scores]:
    solutions, needs, qrels = read_judged_set(DATA / name)
    return blend_and_model_scores(solutions, needs, qrels, model)


def line(label: str, scores: Scores) -> str:
    return f"  {label:14} NDCG@10 {scores.ndcg10:.4f}  Recall@50 {scores.recall50:.4f}  MRR {scores.mrr:.4f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=5, help="simulated visits per dev need (default 5)")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--l2", type=float, default=DEFAULT_L2)
    args = parser.parse_args(argv)

    started = time.perf_counter()
    solutions, needs, qrels = read_judged_set(DATA / "dev")
    index = build_index(solutions)
    shown = {r.need_id: r.solution_ids for r in rank_needs(index, needs, SHOWN)}
    events = simulate(shown, qrels, args.sessions, args.seed)
    labels = labels_from_events(events)
    kinds = {
        k: sum(1 for e in events if e[2] == k) for k in ("impression", "click", "proposal_requested", "deal")
    }
    print(
        f"simulated {len(events):,} events on {len(needs)} dev needs × {args.sessions} sessions: "
        + ", ".join(f"{v:,} {k}" for k, v in kinds.items())
    )
    data = training_set(index, {n.id: n for n in needs}, labels)
    fit_ids, held_ids = split_needs(labels)
    model = train(data.subset(fit_ids), trained_at="benchmark", l2=args.l2, min_needs=1)
    meta = model.metadata
    print(
        f"trained on {meta['needs']} needs, {meta['pairs']:,} pairs in {meta['iterations']} Newton steps "
        f"({time.perf_counter() - started:.1f} s so far)"
    )
    print(f"weights (per standard deviation): {describe(model)}")
    blend_ndcg, model_ndcg, held_needs = blend_and_model_ndcg(data.subset(held_ids), model)
    print(f"held-out 20 % of logged needs ({held_needs}), NDCG@10 of the logged labels:")
    print(f"  blend {blend_ndcg:.4f} → learned {model_ndcg:.4f} ({model_ndcg - blend_ndcg:+.4f})")
    for name, note in (("dev", "needs whose simulated use trained the model"), ("heldout", "never used")):
        before, after = evaluate(name, model)
        print(f"{name} ({before.needs} judged needs; {note}), against the qrels:")
        print(line("engine", before))
        print(line("engine+ltr", after))
        print(
            f"  {'change':14} NDCG@10 {after.ndcg10 - before.ndcg10:+.4f}  "
            f"Recall@50 {after.recall50 - before.recall50:+.4f}  MRR {after.mrr - before.mrr:+.4f}"
        )
    print(f"total {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
