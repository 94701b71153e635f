"""The readers take every benchmark instance as published and name the line of every malformed one."""

from __future__ import annotations

import pytest

from engines.schedule.errors import ScheduleInputError
from engines.schedule.readers import detect_format, read_fjs, read_instance, read_jsplib, read_text
from tests.engines.schedule.instances import BENCHMARKS, FT06

# Published sizes: (jobs, machines, operations)
SIZES = {
    "ft06": (6, 6, 36),
    "ft10": (10, 10, 100),
    "la01": (10, 5, 50),
    "la02": (10, 5, 50),
    "la03": (10, 5, 50),
    "la04": (10, 5, 50),
    "la05": (10, 5, 50),
    "Mk01": (10, 6, 55),
    "Mk02": (10, 6, 58),
    "Mk03": (15, 8, 150),
    "Mk04": (15, 8, 90),
    "Mk05": (15, 4, 106),
    "Mk06": (10, 10, 150),
    "Mk07": (20, 5, 100),
    "Mk08": (20, 10, 225),
    "Mk09": (20, 10, 240),
    "Mk10": (20, 15, 240),
}


def test_it_finds_all_seventeen_benchmark_instances():
    found = sorted(p.stem for p in BENCHMARKS.glob("*/*") if p.suffix in (".fjs", ".txt"))
    assert found == sorted(SIZES)


@pytest.mark.parametrize("name", sorted(SIZES))
def test_it_reads_each_benchmark_instance_with_its_published_size(name):
    (path,) = [p for p in BENCHMARKS.glob(f"*/{name}.*")]
    instance = read_instance(path)
    jobs, machines, operations = SIZES[name]
    assert (len(instance.jobs), len(instance.machines), instance.operation_count) == (
        jobs,
        machines,
        operations,
    )
    assert instance.name == name
    assert instance.first_machine == (1 if path.suffix == ".fjs" else 0)
    for job in instance.jobs:
        for o, operation in enumerate(job.operations):
            assert operation.predecessors == ((o - 1,) if o else ())
            assert operation.alternatives
            assert all(0 <= a.machine < machines and a.duration >= 0 for a in operation.alternatives)


def test_it_converts_fjs_machines_to_zero_based_and_keeps_the_file_numbers_as_labels():
    instance = read_instance(BENCHMARKS / "fjsp_brandimarte" / "Mk01.fjs")
    first = instance.jobs[0].operations[0]  # the file's "2 1 5 3 4": machine 1 for 5, machine 3 for 4
    assert [(a.machine, a.duration) for a in first.alternatives] == [(0, 5), (2, 4)]
    assert [m.label for m in instance.machines] == ["1", "2", "3", "4", "5", "6"]


def test_it_keeps_jsplib_machines_zero_based():
    instance = read_jsplib(FT06)
    assert [(op.alternatives[0].machine, op.alternatives[0].duration) for op in instance.jobs[0].operations] == [
        (2, 1), (0, 3), (1, 6), (3, 7), (5, 3), (4, 6),
    ]  # fmt: skip
    assert instance.first_machine == 0


def test_it_tolerates_blank_lines_tabs_and_trailing_whitespace():
    instance = read_fjs("\n2\t2\t1.5\n\n1 1 1 3\t\t\n2 1 2 4 2 1 5 2 6\n\n")
    assert instance.operation_count == 3
    assert [(a.machine, a.duration) for a in instance.jobs[1].operations[1].alternatives] == [(0, 5), (1, 6)]


@pytest.mark.parametrize(
    ("text", "suffix", "kind"),
    [
        (FT06, "", "jsplib"),
        ("2 2\n0 3 1 4\n1 2 0 5\n", "", "jsplib"),
        ("2 2 1\n1 1 1 3\n1 1 2 4\n", "", "fjs"),
        ("2 2\n1 1 1 3\n1 1 2 4\n", "", "fjs"),  # as JSPLIB, machine 2 would not exist
        ("2 2\n1 1 1 3\n1 1 1 4\n", "", "jsplib"),
        ("2 2\n0 3 1 4\n1 2 0 5\n", ".fjs", "fjs"),
    ],
)
def test_it_detects_the_format(text, suffix, kind):
    assert detect_format(text, suffix) == kind


def _error(reader, text):
    with pytest.raises(ScheduleInputError) as caught:
        reader(text)
    return caught.value


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("", 1, "no header"),
        ("2 3 4 5\n", 1, "header"),
        ("2 x\n1 1 1 3\n1 1 2 4\n", 1, "'x' is not a whole number"),
        ("0 2\n", 1, "at least 1"),
        ("2 2\n1 1 1 3\n1 1 3 4\n", 3, "machine 3 is out of range 1–2"),
        ("2 2\n1 1 0 3\n1 1 2 4\n", 2, "machine 0 is out of range 1–2"),
        ("2 2\n1 1 1 -3\n1 1 2 4\n", 2, "negative"),
        ("2 2\n1 1 1 3.5\n1 1 2 4\n", 2, "'3.5' is not a whole number"),
        ("2 2\n1 1 1 3\n\n\n", 3, "ends after 1 of the 2 jobs"),
        ("2 2\n2 1 1 3\n1 1 2 4\n", 2, "operation 2 of 2 is missing"),
        ("2 2\n1 2 1 3\n1 1 2 4\n", 2, "machine/time pair of operation 1"),
        ("2 2\n1 1 1 3 7\n1 1 2 4\n", 2, "1 numbers after its 1 operations"),
        ("2 2\n1 0\n1 1 2 4\n", 2, "lists 0 machines"),
        ("2 2\n1 2 1 3 1 4\n1 1 2 4\n", 2, "machine 1 twice"),
        ("1 2\n1 1 1 3\n1 1 2 4\n", 3, "unexpected data"),
        ("2 2\n0 1 1 3\n1 1 2 4\n", 2, "declares 0 operations"),
    ],
)
def test_it_names_the_line_of_a_malformed_fjs_file(text, line, words):
    error = _error(read_fjs, text)
    assert error.line == line
    assert words in error.reason
    assert str(error).startswith(f"line {line}: ")
    assert f"第 {line} 行" in error.message_zh


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("# only a comment\n", 1, "no header"),
        ("# c\n2 2\n0 3 1 4\n0 3 2 4\n", 4, "machine 2 is out of range 0–1"),
        ("# c\n2 2\n0 3 1\n0 3 1 4\n", 3, "needs 2 pairs"),
        ("# c\n# d\n2 2\n0 3 1 4\n", 5, "ends after 1 of the 2 jobs"),
        ("# c\n2 2\n0 3 1 4\n# trailing comment\n", 4, "ends after 1 of the 2 jobs"),
        ("2 2 1\n0 3 1 4\n", 1, "`jobs machines`"),
        ("# c\n2 2\n0 3 1 4\n1 -1 0 4\n", 4, "negative"),
    ],
)
def test_it_names_the_line_of_a_malformed_jsplib_file(text, line, words):
    error = _error(read_jsplib, text)
    assert error.line == line
    assert words in error.reason


def test_it_counts_lines_in_the_file_including_comments_and_blanks():
    text = FT06.replace("1  3  3  3  5  9  0 10  4  4  2  1", "1  3  3  3  5  9  0 10  4  4  9  1")
    error = _error(read_text, text)
    assert error.line == 9 and "machine 9 is out of range 0–5" in error.reason


def test_it_names_the_line_of_bytes_that_are_not_utf8(tmp_path):
    path = tmp_path / "bad.fjs"
    path.write_bytes(b"2 2\n1 1 1 3\n1 1 2 \xff4\n")
    with pytest.raises(ScheduleInputError) as caught:
        read_instance(path)
    assert caught.value.line == 3
