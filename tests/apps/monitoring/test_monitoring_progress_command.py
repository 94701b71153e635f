"""`funeng monitoring_progress`: one JSON object per row in input order; bad files exit 2 naming row and column."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command

HEADER = "indicator,direction,baseline_year,baseline_value,target_year,target_value,year,value"
ROWS = [
    "数字经济核心产业增加值,increase,2020,100,2025,200,2024,150",  # R = 0.7174: needs acceleration
    "单位GDP能耗,decrease,2020,100,2025,50,2024,40",  # 40 ≤ 50: achieved
    "上云企业数,increase,2020,100,,,2024,150",  # no target
    "新指标,increase,2020,100,2025,200,,",  # no data
    "工业投资,increase,2020,0,2030,100,2025,47.5",  # linear: 9.5 / 10 = 0.95, on track
]


def write(tmp_path, lines):
    path = tmp_path / "progress.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run_json(capsys, path):
    call_command("monitoring_progress", "--input", str(path), "--json")
    out = capsys.readouterr().out
    return json.loads(out)


def test_it_prints_one_object_per_row_in_input_order(capsys, tmp_path):
    rows = run_json(capsys, write(tmp_path, [HEADER, *ROWS]))
    assert [list(row)[:3] for row in rows] == [["indicator", "status", "ratio"]] * len(ROWS)
    assert set().union(*rows) <= {"indicator", "status", "ratio", "observed_rate", "required_rate"}
    assert [(row["indicator"], row["status"]) for row in rows] == [
        ("数字经济核心产业增加值", "needs_acceleration"),
        ("单位GDP能耗", "achieved"),
        ("上云企业数", "no_target"),
        ("新指标", "no_data"),
        ("工业投资", "on_track"),
    ]


def test_the_ratio_is_a_float_not_rounded_and_null_without_target_or_data(capsys, tmp_path):
    rows = run_json(capsys, write(tmp_path, [HEADER, *ROWS]))
    ratios = [row["ratio"] for row in rows]
    assert ratios[2] is None and ratios[3] is None
    assert all(isinstance(ratio, float) for i, ratio in enumerate(ratios) if i not in (2, 3))
    # (1.5^(1/4) - 1) / (2^(1/5) - 1), to the last digit: not rounded for display
    assert ratios[0] == (1.5 ** (1 / 4) - 1) / (2 ** (1 / 5) - 1)
    assert ratios[4] == 0.95
    assert rows[2]["observed_rate"] == pytest.approx(1.5**0.25 - 1) and rows[3]["observed_rate"] is None


def test_json_output_is_only_the_list(capsys, tmp_path):
    call_command("monitoring_progress", "--input", str(write(tmp_path, [HEADER, ROWS[0]])), "--json")
    captured = capsys.readouterr()
    assert captured.out.strip().startswith("[") and captured.out.strip().endswith("]")
    assert captured.err == ""


def test_the_table_shows_the_status_labels(capsys, tmp_path):
    call_command("monitoring_progress", "--input", str(write(tmp_path, [HEADER, *ROWS])))
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert len(lines) == 1 + len(ROWS)
    assert "需加快" in lines[1] and "Needs acceleration" in lines[1] and "0.72" in lines[1]
    assert "已实现" in lines[2] and "无目标" in lines[3] and "无数据" in lines[4] and "进展顺利" in lines[5]


def test_a_bad_file_exits_2_naming_every_row_and_column_and_prints_nothing(capsys, tmp_path):
    path = write(tmp_path, [HEADER, ROWS[0], "坏行,sideways,2020,abc,2019,1,2024,5"])
    with pytest.raises(SystemExit) as exit_:
        call_command("monitoring_progress", "--input", str(path), "--json")
    assert exit_.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "progress.csv row 3: direction: " in captured.err
    assert "progress.csv row 3: baseline_value: " in captured.err
    assert "progress.csv row 3: target_year: " in captured.err
    assert "row 2" not in captured.err


def test_a_bad_header_exits_2_naming_the_column(capsys, tmp_path):
    path = write(tmp_path, [HEADER.replace(",year,", ",yr,"), ROWS[0]])
    with pytest.raises(SystemExit) as exit_:
        call_command("monitoring_progress", "--input", str(path))
    assert exit_.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert (
        "row 1: yr: Unknown column" in captured.err
        and "row 1: year: The column year is missing" in captured.err
    )


def test_a_missing_file_exits_2_with_a_clear_message(capsys, tmp_path):
    with pytest.raises(SystemExit) as exit_:
        call_command("monitoring_progress", "--input", str(tmp_path / "nowhere.csv"), "--json")
    assert exit_.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "nowhere.csv" in captured.err and "no such file" in captured.err


def test_the_command_uses_the_batch_path(capsys, tmp_path, monkeypatch):
    from funeng.apps.monitoring.management.commands import monitoring_progress

    calls = []
    real = monitoring_progress.progress_batch

    def spy(frame):
        calls.append(frame.height)
        return real(frame)

    monkeypatch.setattr(monitoring_progress, "progress_batch", spy)
    run_json(capsys, write(tmp_path, [HEADER, *ROWS]))
    assert calls == [len(ROWS)]
