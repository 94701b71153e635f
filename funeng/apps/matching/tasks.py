"""Background work of matchmaking: re-rank every open need; train the learned re-ranker."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from engines.match.ltr import ModelError
from funeng.apps.core.identity import is_platform_admin
from funeng.apps.matching.learning import ranking_model_train
from funeng.apps.matching.services import needs_rank_all, ranking_model_save
from funeng.apps.tasks.models import TaskRun
from funeng.apps.tasks.progress import Progress
from funeng.apps.tasks.registry import register
from funeng.apps.tasks.services import TaskFailure

RERANK = "matching.rerank"
TRAIN = "matching.train"
# The command's defaults (funeng matching_train): a model worse than the blend by more is not saved.
TOLERANCE = 0.01
L2 = 1.0
MIN_NEEDS = 20
EVAL_DIR = Path("benchmarks/data/matching/dev")


@register(RERANK, _("Re-rank every open need against today's catalogue"), launchable_by=is_platform_admin)
def needs_rerank_task(run: TaskRun, progress: Progress) -> dict[str, Any]:
    """Each batch of needs is stored in its own transaction: a rerun simply ranks them again."""
    return {"needs": needs_rank_all(progress=progress)}


@register(TRAIN, _("Train the learned ranking from logged use"), launchable_by=is_platform_admin)
def ranking_train_task(run: TaskRun, progress: Progress) -> dict[str, Any]:
    """Train on the logged impressions, clicks, proposals and deals; save only a model no worse than the blend."""
    progress.update(0, 2, gettext_noop("Training on the logged use"))
    try:
        report = ranking_model_train(
            now=timezone.localtime(),
            since=None,
            eval_dir=Path(settings.BASE_DIR) / EVAL_DIR,
            l2=L2,
            min_needs=MIN_NEEDS,
        )
    except ModelError as error:
        raise TaskFailure(
            gettext_noop("Not enough logged use to train on yet: %(reason)s"), {"reason": str(error)}
        ) from None
    assert report.labelled is not None
    loss = -report.labelled.ndcg_change
    result = {"ndcg_change": round(report.labelled.ndcg_change, 4), "needs": report.training_needs}
    if loss > TOLERANCE:
        raise TaskFailure(
            gettext_noop(
                "Not saved: on the judged set the learned ranking is %(loss)s NDCG@10 below the hand blend, "
                "which keeps ranking."
            ),
            {"loss": f"{loss:.4f}"},
            detail=result,
        )
    progress.update(1, 2, gettext_noop("Saving the model"))
    ranking_model_save(report=report, path=Path(settings.MATCHING_MODEL_PATH), acting_user=run.started_by)
    return result | {"saved": True}
