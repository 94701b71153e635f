"""`funeng schedule_fjsp`: the JSON contract, the file's machine numbering, exit code 2 naming the line."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from funeng import schedule_cli
from tests.engines.schedule.instances import FT06
from tests.support.paths import ROOT

# Two jobs, machines numbered 1–2 as in every .fjs file; job 1's second operation can only use machine 2.
SMALL_FJS = "2 2 1.5\n2 1 1 3 2 1 4 2 5\n2 2 1 2 2 3 1 2 4\n"


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    # `python -m funeng.cli` from the checkout is the console script `funeng` of this working tree.
    return subprocess.run(
        [sys.executable, "-m", "funeng.cli", "schedule_fjsp", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_it_prints_the_plan_as_json_with_operations_counted_from_zero(tmp_path):
    path = tmp_path / "ft06.txt"
    path.write_text(FT06, encoding="utf-8")
    result = _run("--instance", str(path), "--time-limit", "20", "--json")
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert set(answer) == {"makespan", "lower_bound", "status", "operations"}
    assert (answer["makespan"], answer["lower_bound"], answer["status"]) == (55, 55, "optimal")
    operations = answer["operations"]
    assert len(operations) == 36
    assert all(set(op) == {"job", "op", "machine", "start", "end"} for op in operations)
    assert sorted((op["job"], op["op"]) for op in operations) == [(j, o) for j in range(6) for o in range(6)]
    first = next(op for op in operations if (op["job"], op["op"]) == (0, 0))
    assert (
        first["machine"] == 2 and first["end"] - first["start"] == 1
    )  # JSPLIB: "2 1", machine 2 as in the file
    assert max(op["end"] for op in operations) == 55


def test_it_numbers_machines_from_one_for_fjs_files(tmp_path):
    path = tmp_path / "small.fjs"
    path.write_text(SMALL_FJS, encoding="utf-8")
    result = _run("--instance", str(path), "--time-limit", "5", "--workers", "1", "--json")
    assert result.returncode == 0, result.stderr
    operations = {(op["job"], op["op"]): op for op in json.loads(result.stdout)["operations"]}
    assert {op["machine"] for op in operations.values()} <= {1, 2}
    assert operations[1, 1]["machine"] == 2


def test_a_malformed_file_exits_2_naming_the_line(tmp_path):
    path = tmp_path / "bad.fjs"
    path.write_text("2 2\n1 1 1 3\n1 1 7 4\n", encoding="utf-8")
    result = _run("--instance", str(path), "--time-limit", "5", "--json")
    assert result.returncode == 2
    assert result.stdout == ""
    assert "line 3" in result.stderr and "machine 7 is out of range 1–2" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_time_limit_of_zero_exits_2(tmp_path):
    path = tmp_path / "ft06.txt"
    path.write_text(FT06, encoding="utf-8")
    result = _run("--instance", str(path), "--time-limit", "0", "--json")
    assert result.returncode == 2
    assert "--time-limit must be more than 0" in result.stderr


def test_a_missing_file_exits_2(tmp_path):
    result = _run("--instance", str(tmp_path / "nothing.fjs"), "--time-limit", "5")
    assert result.returncode == 2 and "no such file" in result.stderr


def test_without_json_it_prints_a_readable_summary(tmp_path, capsys):
    path = tmp_path / "small.fjs"
    path.write_text(SMALL_FJS, encoding="utf-8")
    assert schedule_cli.main(["--instance", str(path), "--time-limit", "5"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("small: 2 jobs, 2 machines, 4 operations")
    assert "optimal: makespan" in out and "machine 1:" in out


def test_without_or_tools_it_falls_back_to_the_greedy_plan(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "ortools.sat.python.cp_model", None)
    path = tmp_path / "ft06.txt"
    path.write_text(FT06, encoding="utf-8")
    assert schedule_cli.main(["--instance", str(path), "--time-limit", "5", "--json"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["status"] == "feasible"
    assert "greedy plan only" in captured.err


@pytest.mark.parametrize("workers", ["0", "-2"])
def test_it_refuses_fewer_than_one_worker(tmp_path, workers, capsys):
    path = tmp_path / "ft06.txt"
    path.write_text(FT06, encoding="utf-8")
    assert schedule_cli.main(["--instance", str(path), "--time-limit", "5", "--workers", workers]) == 2
    assert "--workers must be at least 1" in capsys.readouterr().err
