"""`funeng matching_train`: learn a re-ranker from the interaction log, compare it with the hand blend, save it."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from engines.match import MatchInputError
from engines.match.ltr import DEFAULT_L2, MIN_NEEDS, ModelError, describe
from funeng.apps.enterprises.management.commands._cli import fail_usage
from funeng.apps.matching.learning import (
    DEV_TOLERANCE,
    TrainingReport,
    labelled_folder_problem,
    ranking_model_train,
)
from funeng.apps.matching.management.commands._common import acting_user
from funeng.apps.matching.services import ranking_model_save

DEFAULT_EVAL_DIR = Path("benchmarks") / "data" / "matching" / "dev"


def _since(value: str) -> dt.datetime:
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        fail_usage(
            f"--since {value!r}: expected a date such as 2026-01-31 or a time such as 2026-01-31T08:00"
        )
    return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed


class Command(BaseCommand):
    help = (
        "Train the matchmaking re-ranker on logged impressions, clicks, proposals and deals; print the hand "
        "blend and the model side by side (held-out logged needs, labelled dev set) and save the model."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--since", default="", help="only events from this date or time on (ISO 8601)")
        parser.add_argument(
            "--eval-dir",
            type=Path,
            default=None,
            help=f"labelled set: solutions.jsonl, needs.jsonl, qrels.tsv (default {DEFAULT_EVAL_DIR})",
        )
        parser.add_argument(
            "--output", type=Path, default=None, help="model file (default settings.MATCHING_MODEL_PATH)"
        )
        parser.add_argument("--dry-run", action="store_true", help="train and evaluate, save nothing")
        parser.add_argument(
            "--force",
            action="store_true",
            help="save even when the model is worse than the blend on the labelled set",
        )
        parser.add_argument(
            "--tolerance",
            type=float,
            default=DEV_TOLERANCE,
            help=f"NDCG@10 the model may lose on the labelled set and still be saved (default {DEV_TOLERANCE})",
        )
        parser.add_argument("--l2", type=float, default=DEFAULT_L2, help=f"L2 penalty (default {DEFAULT_L2})")
        parser.add_argument(
            "--min-needs",
            type=int,
            default=MIN_NEEDS,
            help=f"needs with a positive and a lower label required to train (default {MIN_NEEDS})",
        )
        parser.add_argument("--user", default="", help="username recorded in the audit log (default: system)")
        parser.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        since = _since(options["since"]) if options["since"] else None
        eval_dir: Path = options["eval_dir"] or Path(settings.BASE_DIR) / DEFAULT_EVAL_DIR
        problem = labelled_folder_problem(eval_dir)
        if problem:
            fail_usage(problem)
        if options["l2"] <= 0:
            fail_usage(f"--l2 must be positive, got {options['l2']}")
        if options["tolerance"] < 0:
            fail_usage(f"--tolerance must not be negative, got {options['tolerance']}")
        if options["min_needs"] < 1:
            fail_usage(f"--min-needs must be at least 1, got {options['min_needs']}")
        user = acting_user(options["user"])
        path: Path = options["output"] or Path(settings.MATCHING_MODEL_PATH)
        try:
            report = ranking_model_train(
                now=timezone.localtime(),
                since=since,
                eval_dir=eval_dir,
                l2=options["l2"],
                min_needs=options["min_needs"],
            )
        except (ModelError, MatchInputError) as exc:
            fail_usage(str(exc))
        assert report.labelled is not None
        loss = -report.labelled.ndcg_change
        if options["dry_run"]:
            status, message = "dry_run", "dry run: nothing saved"
        elif loss > options["tolerance"] and not options["force"]:
            status = "refused"
            message = (
                f"not saved: on the labelled set the model's NDCG@10 is {loss:.4f} below the blend's "
                f"(tolerance {options['tolerance']:g}); the hand blend keeps ranking. Use --force to save anyway."
            )
        else:
            ranking_model_save(report=report, path=path, acting_user=user)
            status, message = "saved", f"saved {report.model.name} to {path}"
        if options["json"]:
            payload = report.as_dict() | {"status": status, "path": str(path) if status == "saved" else None}
            sys.stdout.write(json.dumps(payload, ensure_ascii=False) + "\n")
        else:
            self._print(report, message)
        if status == "refused":
            raise CommandError(message if options["json"] else "model not saved", returncode=1)

    def _print(self, report: TrainingReport, message: str) -> None:
        use = report.use
        kinds = ", ".join(f"{n:,} {kind}" for kind, n in sorted(use.kinds.items()))
        self.stdout.write(f"events: {use.events:,} ({kinds}) on {len(use.labels):,} needs")
        self.stdout.write(
            f"trained on {report.training_needs:,} needs, {report.model.metadata.get('pairs', 0):,} pairs; "
            f"{report.held_needs:,} logged needs held out"
        )
        for note in report.notes:
            self.stdout.write(note)
        self.stdout.write(f"weights (per standard deviation): {describe(report.model)}")
        self.stdout.write(f"{'':34} {'':8} {'NDCG@10':>8} {'Recall@50':>10} {'MRR':>7}")
        held = f"held-out logged needs ({report.held_needs})"
        self.stdout.write(f"{held:34} {'blend':8} {report.held_blend:8.4f}")
        self.stdout.write(f"{'':34} {'learned':8} {report.held_learned:8.4f}")
        if report.labelled is not None:
            label = f"{report.labelled.folder.name} set ({report.labelled.blend.needs} judged)"
            for name, scores in (("blend", report.labelled.blend), ("learned", report.labelled.learned)):
                self.stdout.write(
                    f"{label:34} {name:8} {scores.ndcg10:8.4f} {scores.recall50:10.4f} {scores.mrr:7.4f}"
                )
                label = ""
        self.stdout.write(message)
