"""Reading a progress CSV: every row checked first, every problem named with its row and column."""

from __future__ import annotations

import codecs

import polars as pl
import pytest

from engines.monitoring.progress import COLUMNS, SCHEMA, ProgressInputError, progress_batch, read_observations

HEADER = ",".join(COLUMNS)
GOOD = [
    "数字经济核心产业增加值,increase,2020,100,2025,200,2024,150",
    "单位GDP能耗,decrease,2020,0.52,2025,0.45,2024,0.47",
    "上云企业数,increase,2020,1200,,,2023,1800",
    "新指标,increase,2021,10,2025,20,,",
]


def write(tmp_path, lines, *, bom=False, name="progress.csv"):
    path = tmp_path / name
    text = "\n".join(lines) + "\n"
    path.write_bytes((codecs.BOM_UTF8 if bom else b"") + text.encode("utf-8"))
    return path


def problems(path):
    with pytest.raises(ProgressInputError) as caught:
        read_observations(path)
    return [(p.row, p.column, p.code) for p in caught.value.problems], caught.value


@pytest.mark.parametrize("bom", [False, True])
def test_it_reads_a_good_file_with_or_without_a_bom(tmp_path, bom):
    frame = read_observations(write(tmp_path, [HEADER, *GOOD], bom=bom))
    assert frame.schema == pl.Schema(SCHEMA)
    assert frame.get_column("indicator").to_list() == [line.split(",")[0] for line in GOOD]
    assert frame.row(2) == ("上云企业数", "increase", 2020, 1200.0, None, None, 2023, 1800.0)
    assert frame.row(3)[-2:] == (None, None)
    assert progress_batch(frame).get_column("status").to_list() == [
        "needs_acceleration",
        "needs_acceleration",
        "no_target",
        "no_data",
    ]


def test_it_accepts_spaces_around_cells_a_capitalised_header_and_blank_lines(tmp_path):
    header = ", ".join(name.capitalize() for name in COLUMNS)
    path = write(tmp_path, [header, "", " 指标 , Increase , 2020 , 1.5e2 ,2025,200,2024,150", ",,,,,,,"])
    assert read_observations(path).row(0) == ("指标", "increase", 2020, 150.0, 2025, 200.0, 2024, 150.0)


@pytest.mark.parametrize(
    ("cells", "column", "code"),
    [
        ({"baseline_value": "12万"}, "baseline_value", "number.invalid"),
        ({"value": '"1,500"'}, "value", "number.invalid"),  # quoted: one cell
        ({"target_value": "nan"}, "target_value", "number.invalid"),
        ({"value": "inf"}, "value", "number.invalid"),
        ({"direction": "up"}, "direction", "direction.unknown"),
        ({"direction": "增加"}, "direction", "direction.unknown"),
        ({"baseline_year": "2020.5"}, "baseline_year", "year.not_integer"),
        ({"year": "二〇二四"}, "year", "year.not_integer"),
        ({"target_year": "2025年"}, "target_year", "year.not_integer"),
        ({"target_year": "2020"}, "target_year", "target_year.not_after_baseline"),
        ({"target_year": "2018"}, "target_year", "target_year.not_after_baseline"),
        ({"target_year": ""}, "target_year", "target_year.required"),
        ({"year": ""}, "year", "year.required"),
        ({"indicator": ""}, "indicator", "cell.required"),
        ({"direction": ""}, "direction", "cell.required"),
        ({"baseline_year": ""}, "baseline_year", "cell.required"),
        ({"baseline_value": ""}, "baseline_value", "cell.required"),
    ],
)
def test_it_names_the_row_and_column_of_each_bad_cell(tmp_path, cells, column, code):
    values = dict(zip(COLUMNS, GOOD[0].split(","), strict=True)) | cells
    path = write(tmp_path, [HEADER, GOOD[1], ",".join(values[name] for name in COLUMNS)])
    found, error = problems(path)
    assert found == [(3, column, code)]
    problem = error.problems[0]
    assert problem.cell == f"{'ABCDEFGH'[COLUMNS.index(column)]}3"
    assert f"progress.csv row 3: {column}: " in str(error)


def test_a_target_year_may_be_empty_with_an_empty_target_value_only(tmp_path):
    path = write(tmp_path, [HEADER, "指标,increase,2020,100,2025,,2024,150", "指标,increase,2020,100,,,,"])
    assert read_observations(path).get_column("target_year").to_list() == [2025, None]


def test_it_reports_every_problem_of_every_row_at_once(tmp_path):
    path = write(
        tmp_path,
        [
            HEADER,
            GOOD[0],
            "a,sideways,2020,x,2019,1,,",
            GOOD[1],
            "b,increase,20x0,5,,7,2024,",
        ],
    )
    found, error = problems(path)
    assert found == [
        (3, "direction", "direction.unknown"),
        (3, "baseline_value", "number.invalid"),
        (3, "target_year", "target_year.not_after_baseline"),
        (5, "baseline_year", "year.not_integer"),
        (5, "target_year", "target_year.required"),
    ]
    text = str(error)
    assert "row 3: direction: Unknown direction “sideways”" in text
    assert "row 5: baseline_year: baseline_year must be a whole year such as 2025, not “20x0”" in text


def test_it_names_missing_unknown_and_repeated_columns_in_the_header_row(tmp_path):
    header = "indicator,direction,baseline_year,baseline_value,target_year,target_value,value,value,note"
    found, _ = problems(write(tmp_path, [header, "a,increase,2020,1,2025,2,3,3,x"]))
    assert found == [
        (1, "value", "header.repeated"),
        (1, "note", "header.unknown"),
        (1, "year", "header.missing"),
    ]


def test_an_unknown_column_does_not_hide_the_problems_of_the_rows(tmp_path):
    found, _ = problems(write(tmp_path, [HEADER + ",note", GOOD[0] + ",x", "a,up,2020,1,,,,,y"]))
    assert found == [(1, "note", "header.unknown"), (3, "direction", "direction.unknown")]


def test_a_cell_beyond_the_last_column_is_a_problem_of_its_row(tmp_path):
    found, _ = problems(write(tmp_path, [HEADER, GOOD[0] + ",stray"]))
    assert found == [(2, None, "row.extra_cells")]


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"", "file.empty"),
        (b"\n \n", "file.empty"),
        (codecs.BOM_UTF8, "file.empty"),
        ((HEADER + "\n").encode(), "file.no_rows"),
        ("指标,增加\n".encode("gbk"), "file.encoding"),
    ],
    ids=["empty", "blank lines", "bom only", "header only", "not utf-8"],
)
def test_it_refuses_a_file_without_rows_or_not_in_utf8(tmp_path, content, code):
    path = tmp_path / "progress.csv"
    path.write_bytes(content)
    found, error = problems(path)
    assert [c for _, _, c in found] == [code]
    assert str(error).startswith("progress.csv")


def test_a_missing_file_raises_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError):
        read_observations(tmp_path / "nowhere.csv")


def test_the_error_is_a_value_error():
    assert issubclass(ProgressInputError, ValueError)
