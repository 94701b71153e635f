"""The command-line contract of credit_fit, credit_score and credit_monitor, run as a user runs it."""

from __future__ import annotations

import csv
import hashlib
import json
import subprocess
import sys

import numpy as np
import polars as pl
import pytest

from engines.credit.metrics import auc
from engines.credit.synthetic import BAD, TARGET, loan_book


def funeng(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "funeng.cli", *args], capture_output=True, text=True, timeout=300, check=False
    )


@pytest.fixture(scope="module")
def german_files(tmp_path_factory, german):
    folder = tmp_path_factory.mktemp("german")
    train, test = german
    train.write_csv(folder / "train.csv")
    test.write_csv(folder / "test.csv")
    model = folder / "model.json"
    fitted = funeng(
        "credit_fit",
        "--data",
        str(folder / "train.csv"),
        "--target",
        "creditability",
        "--bad",
        "bad",
        "--model",
        str(model),
        "--json",
    )
    assert fitted.returncode == 0, fitted.stderr
    return folder, model, json.loads(fitted.stdout)


def test_fit_prints_the_contract_summary_and_writes_a_traceable_model(german_files):
    folder, model, summary = german_files
    assert set(summary) >= {"auc", "ks", "variables", "monotone"}
    assert summary["monotone"] is True and 0.5 < summary["auc"] <= 1 and 0 < summary["ks"] < 1
    assert all({"name", "iv", "bins", "trend"} <= set(v) for v in summary["variables"])
    data = json.loads(model.read_text(encoding="utf-8"))
    assert data["metadata"]["data_sha256"] == hashlib.sha256((folder / "train.csv").read_bytes()).hexdigest()


def test_score_writes_one_row_per_input_row_in_order_and_ignores_the_target(german_files, tmp_path):
    folder, model, _ = german_files
    output = tmp_path / "scores.csv"
    scored = funeng(
        "credit_score", "--model", str(model), "--data", str(folder / "test.csv"), "--output", str(output)
    )
    assert scored.returncode == 0, scored.stderr
    with output.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    test = pl.read_csv(folder / "test.csv")
    assert len(rows) == test.height and list(rows[0]) == ["score", "pd", "reasons"]
    pd = np.array([float(r["pd"]) for r in rows])
    assert ((pd > 0) & (pd < 1)).all()
    # Row order is input order: the held-out AUC from the file matches the labels row by row.
    assert auc((test.get_column("creditability") == "bad").to_numpy(), pd) >= 0.78
    for row in rows:
        reasons = json.loads(row["reasons"])
        assert len(reasons) <= 4
        assert all(set(r) == {"variable", "bin", "points_lost"} and r["points_lost"] > 0 for r in reasons)
    # Higher score, lower probability of the bad outcome.
    scores = np.array([float(r["score"]) for r in rows])
    assert (np.diff(pd[np.argsort(scores, kind="stable")]) <= 1e-4).all()  # scores are rounded to 0.01


def test_score_names_a_missing_column_with_exit_code_2(german_files, tmp_path):
    folder, model, _ = german_files
    pl.read_csv(folder / "test.csv").drop("duration_in_month").write_csv(tmp_path / "short.csv")
    result = funeng(
        "credit_score",
        "--model",
        str(model),
        "--data",
        str(tmp_path / "short.csv"),
        "--output",
        str(tmp_path / "o.csv"),
    )
    assert result.returncode == 2 and "duration_in_month" in result.stderr
    assert not (tmp_path / "o.csv").exists()


def test_unseen_category_is_scored_with_a_reason_saying_so(german_files, tmp_path):
    folder, model, _ = german_files
    frame = pl.read_csv(folder / "test.csv").head(3).with_columns(purpose=pl.lit("space travel"))
    frame.write_csv(tmp_path / "odd.csv")
    result = funeng(
        "credit_score",
        "--model",
        str(model),
        "--data",
        str(tmp_path / "odd.csv"),
        "--output",
        str(tmp_path / "o.csv"),
    )
    assert result.returncode == 0, result.stderr
    for row in pl.read_csv(tmp_path / "o.csv").iter_rows(named=True):
        assert any(r["variable"] == "purpose" and "unseen" in r["bin"] for r in json.loads(row["reasons"]))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda f: f.with_columns(pl.lit("good").alias("creditability")), "one class"),
        (lambda f: f.drop("creditability"), "not in the data"),
    ],
)
def test_fit_refuses_bad_training_files_with_exit_code_2(german, tmp_path, change, message):
    change(german[0]).write_csv(tmp_path / "train.csv")
    model = tmp_path / "model.json"
    result = funeng(
        "credit_fit",
        "--data",
        str(tmp_path / "train.csv"),
        "--target",
        "creditability",
        "--bad",
        "bad",
        "--model",
        str(model),
    )
    assert result.returncode == 2 and message in result.stderr
    assert not model.exists()


def test_fit_warns_about_a_leaking_column(tmp_path):
    book = loan_book(2_000, 21)
    book.with_columns(outcome_copy=pl.col(TARGET)).write_csv(tmp_path / "train.csv")
    result = funeng(
        "credit_fit",
        "--data",
        str(tmp_path / "train.csv"),
        "--target",
        TARGET,
        "--bad",
        BAD,
        "--model",
        str(tmp_path / "m.json"),
        "--json",
    )
    assert result.returncode == 0, result.stderr
    assert "outcome_copy" in result.stderr and "leak" in result.stderr
    assert "outcome_copy" not in [v["name"] for v in json.loads(result.stdout)["variables"]]


def test_a_tampered_model_file_is_refused(german_files, tmp_path):
    folder, model, _ = german_files
    (tmp_path / "bad.json").write_text('{"schema": "something else"}', encoding="utf-8")
    result = funeng(
        "credit_score",
        "--model",
        str(tmp_path / "bad.json"),
        "--data",
        str(folder / "test.csv"),
        "--output",
        str(tmp_path / "o.csv"),
    )
    assert result.returncode == 2 and "schema" in result.stderr


def test_monitor_reports_stable_and_shifted_populations(german_files, tmp_path):
    folder, model, _ = german_files
    same = funeng(
        "credit_monitor",
        "--model",
        str(model),
        "--baseline",
        str(folder / "train.csv"),
        "--recent",
        str(folder / "train.csv"),
        "--json",
    )
    assert same.returncode == 0, same.stderr
    assert json.loads(same.stdout)["psi"]["value"] == 0
    train = pl.read_csv(folder / "train.csv")
    shifted = train.with_columns(
        pl.col("duration_in_month") * 3, pl.lit("... < 0 DM").alias("status_of_existing_checking_account")
    )
    shifted.write_csv(tmp_path / "recent.csv")
    moved = json.loads(
        funeng(
            "credit_monitor",
            "--model",
            str(model),
            "--baseline",
            str(folder / "train.csv"),
            "--recent",
            str(tmp_path / "recent.csv"),
            "--json",
        ).stdout
    )
    assert moved["psi"]["band"] == "shift"
    csi = {v["name"]: v for v in moved["csi"]}
    assert csi["status_of_existing_checking_account"]["band"] == "shift" and csi["age_in_years"]["value"] == 0
