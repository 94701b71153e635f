"""Learning to rank on the platform: the model file used (or not) when ranking, `matching_train`, `matching_eval --model`."""

from __future__ import annotations

import json
import logging
import os

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import TestCase, override_settings

from engines.match import rank_need
from engines.match.ltr import load
from engines.match.metrics import Scores
from funeng.apps.audit.models import AuditEvent
from funeng.apps.matching import learning
from funeng.apps.matching.const import MatchEventKind
from funeng.apps.matching.models import Match, MatchEvent, Need
from funeng.apps.matching.ranking import catalogue, catalogue_key, engine_need, ranking_model
from funeng.apps.matching.services import need_create, need_matches_refresh
from tests.engines.test_match_ltr import model_with
from tests.support.matching import make_world
from tests.support.paths import TEST_DATA

pytestmark = pytest.mark.django_db
DATA = TEST_DATA
FINANCE_NEED = {
    "title": "月底对账对到半夜",
    "description": "开发票太麻烦，记账报税全靠手工",
    "budget_cny_per_year": 3000,
}
HOMESTAY_TEXT = {"title": "民宿订单老是订重", "description": "几个平台的订单要人一条条抄到本子上"}


@pytest.fixture
def w():
    return make_world()


@pytest.fixture
def model_path(tmp_path):
    path = tmp_path / "models" / "matching_ltr.json"
    with override_settings(MATCHING_MODEL_PATH=path):
        yield path


def stored(need: Need) -> list[tuple[str, float]]:
    return [(str(m.solution_id), m.score) for m in Match.objects.filter(need=need).order_by("rank")]


def log_use(w, needs: int = 24) -> list[Need]:
    """Needs of enterprise 甲 with impressions of their matches and a proposal or click on the fitting one."""
    posted = []
    events = []
    for i in range(needs):
        finance = i % 2 == 1
        values = FINANCE_NEED if finance else HOMESTAY_TEXT | {"budget_cny_per_year": 5000 + 1000 * i}
        with TestCase.captureOnCommitCallbacks(execute=True):  # ranked after the commit
            need = need_create(enterprise=w.enterprise_a, acting_user=w["enterprise_a"], **values)
        posted.append(need)
        for match in Match.objects.filter(need=need):
            events.append(
                MatchEvent(need=need, solution_id=match.solution_id, kind=MatchEventKind.IMPRESSION)
            )
        chosen = w.finance if finance else w.homestay
        kinds = (
            [MatchEventKind.CLICK] if finance else [MatchEventKind.CLICK, MatchEventKind.PROPOSAL_REQUESTED]
        )
        events += [MatchEvent(need=need, solution=chosen, kind=kind) for kind in kinds]
        if i % 4 == 0:  # a shown solution nobody chose, so every need has a lower label
            events.append(MatchEvent(need=need, solution=w.mes, kind=MatchEventKind.IMPRESSION))
    MatchEvent.objects.bulk_create(events)
    return posted


def train(capsys, *args):
    call_command("matching_train", "--json", *args)
    return json.loads(capsys.readouterr().out)


# --- ranking with or without a model file ------------------------------------------------------------


def test_it_ranks_by_the_hand_blend_when_there_is_no_model_file(w, model_path):
    need = w.need()
    assert not model_path.exists() and catalogue().model is None
    expected = rank_need(catalogue().index, engine_need(need), 10)
    assert stored(need) == [(m.solution_id, pytest.approx(m.score)) for m in expected.matches]
    need.refresh_from_db()
    assert need.matched_catalogue == catalogue_key()


def test_it_stores_matches_scored_by_the_model_when_a_model_file_exists(w, model_path):
    need = w.need()
    blend_order = [s for s, _ in stored(need)]
    blend_best = Need.objects.get(pk=need.pk).best_score
    model = model_with(budget=-10.0)  # prefers the solution far above the budget
    model.save(model_path)
    current = catalogue()
    assert current.model == model
    need_matches_refresh(need=need)
    expected = rank_need(current.index, engine_need(need), 10, model=model)
    assert stored(need) == [(m.solution_id, pytest.approx(m.score)) for m in expected.matches]
    assert blend_order[:2] == [str(w.homestay.pk), str(w.mes.pk)]
    assert [s for s, _ in stored(need)][:2] == [str(w.mes.pk), str(w.homestay.pk)]
    need.refresh_from_db()
    assert need.matched_catalogue == current.key != catalogue_key()  # a new model re-ranks open needs
    # Gaps ("no good match") keep reading the hand blend, not the model's score of its new first.
    assert need.best_score == pytest.approx(blend_best)
    assert need.best_score != pytest.approx(stored(need)[0][1])


def test_it_falls_back_to_the_blend_with_a_warning_and_still_shows_the_page(w, model_path, client, caplog):
    model_path.parent.mkdir(parents=True)
    model_path.write_text('{"format_version": 1, "features": ["lexical"]}', encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="funeng.apps.matching.ranking"):
        need = w.need()
        assert catalogue().model is None
    assert "matching model not used" in caplog.text and "do not match the engine's" in caplog.text
    assert stored(need)[0][0] == str(w.homestay.pk)
    client.force_login(w["enterprise_a"])
    assert client.get(f"/matching/needs/{need.pk}/").status_code == 200
    client.force_login(w["enterprise_b"])  # the other enterprise is still refused the need
    assert client.get(f"/matching/needs/{need.pk}/").status_code == 404


def test_it_reads_the_model_again_when_the_file_changes(model_path):
    model_with(trained_at="first").save(model_path)
    assert ranking_model().name == "learned:first"
    model_with(trained_at="second", budget=1.0).save(model_path)
    os.utime(model_path, ns=(1, 1))  # a different modification time even on a coarse clock
    assert ranking_model().name == "learned:second"
    model_path.unlink()
    assert ranking_model() is None


# --- matching_train ----------------------------------------------------------------------------------


def test_it_trains_saves_and_audits_a_model_from_the_log(w, model_path, capsys):
    log_use(w)
    # This toy log teaches "prefer the Jiangsu-only solution", which is bad on the dev set: refused.
    with pytest.raises(CommandError, match="not saved: on the labelled set the model's NDCG@10 is"):
        train(capsys)
    assert json.loads(capsys.readouterr().out)["status"] == "refused" and not model_path.exists()
    result = train(capsys, "--force")
    assert result["status"] == "saved" and result["path"] == str(model_path)
    assert result["needs"]["with_pairs"] == 24
    assert result["needs"]["training"] + result["needs"]["held_out"] == 24
    assert result["events"]["proposal_requested"] == 12 and result["pairs"] > 0
    assert set(result["labelled_set"]["blend"]) == {"ndcg@10", "recall@50", "mrr"}
    assert result["labelled_set"]["needs"] == 96  # the dev set by default
    model = load(model_path)
    assert model.name == result["ranker"] and model.metadata["events"] == result["events"]["total"]
    row = AuditEvent.objects.get(object_type="matching.ranking_model")
    assert (row.action, row.actor_label, row.object_id) == ("create", "system", model.name)
    assert row.changes["ranker"] == ["blend", model.name] and row.region_code == ""
    assert catalogue().model == model  # the next ranking uses it


def test_it_prints_blend_and_model_side_by_side_and_saves_nothing_on_a_dry_run(w, model_path, capsys):
    log_use(w)
    call_command(
        "matching_train", "--dry-run", "--eval-dir", str(DATA.parent.parent / "benchmarks/data/matching/dev")
    )
    out = capsys.readouterr().out
    assert "held-out logged needs" in out and "dev set (96 judged)" in out and "learned" in out
    assert "dry run: nothing saved" in out
    assert (
        not model_path.exists()
        and not AuditEvent.objects.filter(object_type="matching.ranking_model").exists()
    )


def test_it_refuses_to_save_a_model_worse_than_the_blend_unless_forced(w, model_path, capsys, monkeypatch):
    log_use(w)

    def worse(folder, model):
        return learning.LabelledComparison(folder, Scores(0.80, 0.9, 0.9, 96), Scores(0.75, 0.9, 0.9, 96))

    monkeypatch.setattr(learning, "compare_on_labelled", worse)
    with pytest.raises(CommandError, match="model not saved"):
        call_command("matching_train")
    assert "NDCG@10 is 0.0500 below the blend's (tolerance 0.01)" in capsys.readouterr().out
    assert not model_path.exists()
    assert train(capsys, "--tolerance", "0.06")["status"] == "saved"
    assert train(capsys, "--force")["status"] == "saved"
    assert AuditEvent.objects.filter(object_type="matching.ranking_model").count() == 2


def test_it_exits_2_with_one_line_when_there_are_too_few_events(w, model_path, capsys):
    log_use(w, needs=8)
    with pytest.raises(SystemExit) as caught:
        call_command("matching_train")
    assert caught.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("error: too few events to learn from: 8 needs") and err.count("\n") == 1
    with pytest.raises(SystemExit):  # events before --since do not count
        call_command("matching_train", "--since", "2999-01-01", "--min-needs", "1")
    assert "0 needs" in capsys.readouterr().err
    assert not model_path.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--since", "last week"], "--since 'last week': expected a date"),
        (["--eval-dir", "/no/such/folder"], "/no/such/folder: no such folder"),
        (["--l2", "0"], "--l2 must be positive"),
    ],
)
def test_it_exits_2_on_bad_options(db, capsys, args, message):
    with pytest.raises(SystemExit) as caught:
        call_command("matching_train", *args)
    assert caught.value.code == 2
    assert message in capsys.readouterr().err


def test_it_refuses_an_unknown_user_for_the_audit_log(w, capsys):
    with pytest.raises(CommandError, match="no user 'mallory'"):
        call_command("matching_train", "--user", "mallory")


# --- matching_eval --model ------------------------------------------------------------------------------

EVAL = [
    "--solutions",
    str(DATA / "match_solutions.jsonl"),
    "--needs",
    str(DATA / "match_needs.jsonl"),
    "--qrels",
    str(DATA / "match_qrels.tsv"),
]


def test_it_adds_an_engine_ltr_column_to_matching_eval(tmp_path, capsys):
    path = tmp_path / "m.json"
    model_with().save(path)  # all weights 0: must score exactly as the engine
    call_command("matching_eval", *EVAL, "--json", "--model", str(path))
    result = json.loads(capsys.readouterr().out)
    assert result["engine_ltr"] == result["engine"]
    assert result["low_overlap"]["engine_ltr"] == result["low_overlap"]["engine"]
    model_with(lexical=-5.0, scenario=-5.0).save(path)  # prefers what is least relevant
    call_command("matching_eval", *EVAL, "--model", str(path))
    out = capsys.readouterr().out
    assert "engine+ltr" in out
    call_command("matching_eval", *EVAL, "--json", "--model", str(path))
    result = json.loads(capsys.readouterr().out)
    assert result["engine_ltr"]["ndcg@10"] < result["engine"]["ndcg@10"]


def test_it_exits_2_when_matching_eval_gets_a_bad_model_file(tmp_path, capsys):
    path = tmp_path / "m.json"
    path.write_text("garbage", encoding="utf-8")
    with pytest.raises(SystemExit) as caught:
        call_command("matching_eval", *EVAL, "--model", str(path))
    assert caught.value.code == 2
    assert "m.json: not valid JSON" in capsys.readouterr().err


def test_the_rerank_task_ranks_every_open_need_in_the_background(run_tasks, django_user_model):
    from funeng.apps.matching.models import Match
    from funeng.apps.tasks.models import TaskRun
    from funeng.apps.tasks.services import task_enqueue

    world = make_world()
    need = world.need()
    Match.objects.filter(need=need).delete()
    root = django_user_model.objects.create_user("root2", password="x" * 12, is_staff=True)
    run = task_enqueue(kind="matching.rerank", started_by=root)
    assert run_tasks() == 1
    run.refresh_from_db()
    assert run.state == "done" and run.result["needs"] >= 1 and Match.objects.filter(need=need).exists()
    assert TaskRun.objects.get(pk=run.pk).done == run.total >= 1
