"""engines.tabular validation: rows become pydantic models, or Problems naming file, row, column, cell and value."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Self

import openpyxl
import pytest
from pydantic import BaseModel, ValidationInfo, model_validator

from engines.tabular import (
    CellInvalid,
    CellWarning,
    Code,
    Count,
    Date,
    FileInvalid,
    Heading,
    Headings,
    Money,
    Problem,
    TableSchema,
    Text,
    gettext_noop,
    open_table,
    row_context,
    validate_lines,
)


def _no_x(code: str) -> None:
    if "X" in code:
        raise CellInvalid("sku.unknown", gettext_noop("SKU %(code)s is not in the catalogue"), code=code)


class BillRow(BaseModel):
    """A cloud bill line, the kind of import the platform takes next."""

    sku: Annotated[str, Code(pad_to=4, check=_no_x)]
    customer: Annotated[str, Text(max_length=10)]
    billed_on: Annotated[dt.date | None, Date()] = None
    amount: Annotated[Decimal | None, Money()] = None
    seats: Annotated[int | None, Count()] = None

    @model_validator(mode="after")
    def _doubt(self, info: ValidationInfo) -> Self:
        if self.amount == 0:
            row_context(info).warn("amount", CellWarning("amount.zero", "a zero bill"), self.amount)
        return self


BILLS = TableSchema(
    model=BillRow,
    headings=Headings(
        [
            Heading("sku", "产品编码", ("SKU",), required=True),
            Heading("customer", "客户", ("Customer",), required=True),
            Heading("billed_on", "账单日期", ("Billed on",)),
            Heading("amount", "金额（元）", ("Amount",)),
            Heading("seats", "席位", ("Seats",)),
        ]
    ),
)


def read(path: Path, text: str, **kwargs):
    path.write_text(text, encoding="utf-8")
    reading = BILLS.read(open_table(path, path.name), file=path.name, **kwargs)
    return reading, list(reading.rows())


def test_it_turns_valid_rows_into_typed_models(tmp_path):
    _, results = read(
        tmp_path / "bills.csv", 'SKU,客户,账单日期,金额（元）\n0042,甲公司,2026-01-31,"1,200.50"\n'
    )

    [result] = results
    assert result.errors == [] and result.warnings == []
    assert result.row == BillRow(
        sku="0042", customer="甲公司", billed_on=dt.date(2026, 1, 31), amount=Decimal("1200.50")
    )


def test_it_reports_a_bad_cell_with_its_row_column_cell_value_and_code(tmp_path):
    _, results = read(tmp_path / "bills.csv", "产品编码,客户,金额（元）\n0042,甲公司,12\n0043,乙公司,350万\n")

    assert results[0].row is not None
    [problem] = results[1].errors
    assert results[1].row is None
    assert problem == Problem(
        file="bills.csv",
        row=3,
        code="money.wan_unit",
        message=problem.message,
        params={"column": "金额（元）"},
        column="金额（元）",
        field="amount",
        cell="C3",
        value="350万",
    )
    assert problem.text() == (
        "金额（元） is in yuan and cannot be given in 万 (10,000 yuan): convert it to yuan (multiply by 10000)"
    )
    assert str(problem).startswith("bills.csv row 3: 金额（元）: 金额（元） is in yuan")


def test_it_reports_every_bad_cell_of_a_row_in_the_order_of_the_files_columns(tmp_path):
    _, [result] = read(tmp_path / "bills.csv", "金额（元）,客户,产品编码\nabc,,91X\n")

    assert [(p.cell, p.code) for p in result.errors] == [
        ("A2", "number.invalid"),
        ("B2", "required.missing"),
        ("C2", "sku.unknown"),
    ]
    assert result.errors[2].text() == "SKU 91X is not in the catalogue"


def test_it_prefixes_a_per_field_code_with_the_field(tmp_path):
    _, [result] = read(tmp_path / "bills.csv", "产品编码,客户\n0042,甲乙丙丁戊己庚辛壬癸子\n")

    [problem] = result.errors
    assert (problem.code, problem.params) == (
        "customer.too_long",
        {"limit": 10, "length": 11, "column": "客户"},
    )


def test_it_refuses_a_value_in_a_column_without_header(tmp_path):
    _, [result] = read(tmp_path / "bills.csv", "产品编码,客户\n0042,甲公司,stray\n")

    [problem] = result.errors
    assert (problem.code, problem.cell, problem.column, problem.value) == (
        "cell.no_header",
        "C2",
        None,
        "stray",
    )


def test_it_reports_missing_required_columns_once_not_on_every_row(tmp_path):
    reading, [result] = read(tmp_path / "bills.csv", "产品编码\n0042\n")

    assert [p.code for p in reading.problems] == ["header.missing_required"]
    assert result.errors == []


def test_it_keeps_warnings_of_cells_and_of_the_whole_row_apart_from_errors(tmp_path):
    path = tmp_path / "bills.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active.append(["产品编码", "客户", "金额（元）"])
    workbook.active.append([42, "甲公司", 0])
    workbook.save(path)
    reading = BILLS.read(open_table(path, path.name), file=path.name)

    [result] = list(reading.rows())
    assert result.errors == []
    assert [(p.code, p.cell, p.value) for p in result.warnings] == [
        ("sku.zero_padded", "A2", "42"),
        ("amount.zero", "C2", "0.00"),
    ]


def test_it_refuses_a_formula_as_such_even_in_a_required_column(tmp_path):
    path = tmp_path / "bills.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active.append(["产品编码", "客户"])
    workbook.active.append(["0042", "=A2"])
    workbook.save(path)

    [result] = list(BILLS.read(open_table(path, path.name), file=path.name).rows())
    assert [(p.code, p.cell, p.value) for p in result.errors] == [("cell.formula", "B2", "=A2")]


@pytest.mark.parametrize(
    ("text", "code", "row"),
    [
        ("\n\n", "file.empty", None),
        ("\n产品编码,客户\n", "file.no_header", 1),
        ("产品编码,客户\n,\n", "file.no_rows", 2),
    ],
)
def test_it_refuses_a_file_without_header_or_rows(tmp_path, text, code, row):
    with pytest.raises(FileInvalid) as caught:
        read(tmp_path / "bills.csv", text)

    assert (caught.value.code, caught.value.row) == (code, row)


def test_it_lets_the_platform_translate_a_problem():
    problem = Problem(
        file="a.csv",
        row=3,
        code="number.negative",
        message="%(column)s cannot be negative",
        params={"column": "席位"},
    )

    assert problem.text() == "席位 cannot be negative"
    assert problem.text({"%(column)s cannot be negative": "%(column)s不能为负数"}.get) == "席位不能为负数"


# ---------------------------------------------------------------- JSON Lines


class Nested(BaseModel):
    seats: Annotated[int | None, Count()] = None


class Line(BaseModel):
    id: Annotated[str, Text()]
    plan: Nested = Nested()


def test_it_validates_json_lines_and_names_the_dotted_field(tmp_path):
    path = tmp_path / "a.jsonl"
    lines = [{"id": "a"}, {"id": "b", "plan": {"seats": -1}}, [1], {"plan": {}}]
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n{oops\n", encoding="utf-8")
    problems: list[Problem] = []

    valid = list(validate_lines(path, Line, problems))

    assert [(number, line.id) for number, line in valid] == [(1, "a")]
    assert [str(p) for p in problems] == [
        "a.jsonl line 2: plan.seats: plan.seats cannot be negative",
        "a.jsonl line 3: expected a JSON object",
        "a.jsonl line 4: id: id is required and cannot be empty",
        "a.jsonl line 5: not valid JSON (Expecting property name enclosed in double quotes, column 2)",
    ]
    assert problems[0].value == "-1"


def test_it_refuses_a_json_lines_file_that_is_not_utf8(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_bytes('{"id": "名"}\n'.encode("gbk"))

    with pytest.raises(FileInvalid) as caught:
        list(validate_lines(path, Line, []))
    assert caught.value.code == "file.encoding"
