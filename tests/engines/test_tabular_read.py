"""engines.tabular readers: CSV in the encodings people save, XLSX read as openpyxl would, and header matching."""

from __future__ import annotations

import codecs
import datetime as dt
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engines.tabular import FileInvalid, Heading, Headings, open_table
from engines.tabular.headers import cell_name, normalize_header
from engines.tabular.xlsx import column_index


def rows_of(path: Path, name: str | None = None) -> list[tuple[int, list[object], tuple[int, ...]]]:
    return [
        (row.number, list(row.values), row.formulas) for row in open_table(path, name or path.name).rows()
    ]


def refusal(path: Path, name: str | None = None) -> FileInvalid:
    with pytest.raises(FileInvalid) as caught:
        rows_of(path, name)
    return caught.value


# ---------------------------------------------------------------- CSV


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_it_reads_csv_in_every_encoding_excel_and_wps_save(tmp_path, encoding):
    path = tmp_path / "a.csv"
    path.write_bytes("企业名称,行业代码\n温州瓯海鞋业有限公司,1952\n".encode(encoding))

    assert rows_of(path) == [(1, ["企业名称", "行业代码"], ()), (2, ["温州瓯海鞋业有限公司", "1952"], ())]


def test_it_drops_the_byte_order_mark_from_the_first_header(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes(codecs.BOM_UTF8 + b"name\nx\n")

    assert rows_of(path)[0][1] == ["name"]


def test_it_prefers_utf8_when_a_file_would_also_decode_as_gbk(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("名称\n浙江\n", encoding="utf-8")

    assert open_table(path, path.name).encoding == "utf-8"  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("content", "code"),
    [
        ("name\nSociété Générale Café\n".encode("latin-1"), "file.encoding"),
        ("credit_code,name\nX,ｶﾌｪ\n".encode("shift_jis"), "file.encoding"),
        ("name\nx\n".encode("utf-16"), "file.encoding"),
        (codecs.BOM_UTF8 + b"name\n\xff\xfe\n", "file.encoding"),
        (b"PK\x03\x04 a workbook renamed to .csv", "file.type_mismatch"),
    ],
)
def test_it_refuses_csv_it_cannot_decode_for_sure(tmp_path, content, code):
    path = tmp_path / "a.csv"
    path.write_bytes(content)

    assert refusal(path).code == code


def test_it_names_the_row_of_broken_csv(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("name\nok\n" + "x" * 200_000 + "\n", encoding="utf-8")  # beyond csv's field size limit

    error = refusal(path)
    assert (error.code, error.row, error.params["number"]) == ("file.csv_syntax", 3, 3)


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("a.csv", b"", "file.empty"),
        ("a.xls", b"\xd0\xcf\x11\xe0", "file.type"),
        ("a.pdf", b"%PDF", "file.type"),
        ("a.xlsx", b"PK\x03\x04 not really a zip", "file.unreadable"),
    ],
)
def test_it_refuses_files_it_cannot_open(tmp_path, name, content, code):
    path = tmp_path / name
    path.write_bytes(content)

    assert refusal(path).code == code


# ---------------------------------------------------------------- XLSX


def test_it_reads_xlsx_dates_numbers_booleans_and_formulas_as_openpyxl_does(tmp_path):
    path = tmp_path / "a.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["text", "int", "float", "date", "bool", "formula", "percent", "time"])
    sheet.append(["杭州", 3911, 35000000.5, dt.datetime(2012, 3, 15), True, "=B2*2", 0.0725, dt.time(9, 30)])
    sheet["G2"].number_format = "0.00%"
    workbook.save(path)

    [header, row] = rows_of(path)
    assert header == (1, ["text", "int", "float", "date", "bool", "formula", "percent", "time"], ())
    assert row == (
        2,
        ["杭州", 3911, 35000000.5, dt.datetime(2012, 3, 15), True, "=B2*2", 0.0725, dt.time(9, 30)],
        (5,),
    )


def test_it_fills_missing_rows_and_cells_with_blanks(tmp_path):
    path = tmp_path / "gaps.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet["A1"] = "name"
    sheet["C1"] = "code"
    sheet["B4"] = "x"
    workbook.save(path)

    assert rows_of(path) == [(1, ["name", None, "code"], ()), (2, [], ()), (3, [], ()), (4, [None, "x"], ())]


def test_it_finds_merged_ranges_before_reading_any_row(tmp_path):
    path = tmp_path / "merged.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["a", "b", "c"])
    sheet.merge_cells("B1:C1")
    sheet.merge_cells("A5:A6")
    workbook.save(path)

    assert sorted(tuple(merged) for merged in open_table(path, path.name).merged) == [
        ("A", 5, "A5:A6"),
        ("B", 1, "B1:C1"),
    ]


def _package(path: Path, sheet: str, *, shared: list[str] | None = None, date1904: bool = False) -> Path:
    """A minimal workbook as Excel writes it (shared strings, a date style); openpyxl writes inline strings."""
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    pkg = "http://schemas.openxmlformats.org/package/2006/relationships"
    strings = "".join(f"<si>{item}</si>" for item in shared or [])
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(
            "_rels/.rels",
            f'<Relationships xmlns="{pkg}"><Relationship Id="rId1" Target="xl/workbook.xml" '
            f'Type="{rel}/officeDocument"/></Relationships>',
        )
        archive.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{main}" xmlns:r="{rel}"><workbookPr date1904="{int(date1904)}"/>'
            '<sheets><sheet name="企业" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<Relationships xmlns="{pkg}">'
            f'<Relationship Id="rId1" Target="worksheets/sheet1.xml" Type="{rel}/worksheet"/>'
            f'<Relationship Id="rId2" Target="sharedStrings.xml" Type="{rel}/sharedStrings"/>'
            f'<Relationship Id="rId3" Target="styles.xml" Type="{rel}/styles"/></Relationships>',
        )
        archive.writestr("xl/sharedStrings.xml", f'<sst xmlns="{main}">{strings}</sst>')
        archive.writestr(
            "xl/styles.xml",
            f'<styleSheet xmlns="{main}"><numFmts><numFmt numFmtId="164" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/>'
            '</numFmts><cellXfs><xf numFmtId="0"/><xf numFmtId="164"/><xf numFmtId="14"/></cellXfs></styleSheet>',
        )
        archive.writestr(
            "xl/worksheets/sheet1.xml",
            f'<worksheet xmlns="{main}"><sheetData>{sheet}</sheetData></worksheet>',
        )
    return path


def test_it_reads_shared_strings_rich_text_and_custom_date_formats_as_excel_saves_them(tmp_path):
    path = _package(
        tmp_path / "excel.xlsx",
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c></row>'
        '<row r="2"><c r="A2" t="s"><v>3</v></c><c r="B2" s="1"><v>41348</v></c><c r="C2" s="2"><v>41348</v></c>'
        '<c r="D2" t="b"><v>0</v></c><c r="E2" t="e"><v>#N/A</v></c><c r="F2"><v>0111</v></c></row>',
        shared=[
            "<t>企业名称</t>",
            "<t>成立日期</t>",
            "<r><t>登记</t></r><r><t>日期</t></r>",
            '<t xml:space="preserve"> 杭州 </t><rPh><t>ハンチョウ</t></rPh>',
        ],
    )

    assert rows_of(path) == [
        (1, ["企业名称", "成立日期", "登记日期"], ()),
        (2, [" 杭州 ", dt.datetime(2013, 3, 15), dt.datetime(2013, 3, 15), False, "#N/A", 111], ()),
    ]


def test_it_counts_dates_from_1904_when_the_workbook_says_so(tmp_path):
    mac = _package(tmp_path / "mac.xlsx", '<row r="1"><c r="A1" s="2"><v>366</v></c></row>', date1904=True)
    windows = _package(tmp_path / "windows.xlsx", '<row r="1"><c r="A1" s="2"><v>366</v></c></row>')

    assert rows_of(mac) == [(1, [dt.datetime(1905, 1, 1)], ())]
    assert rows_of(windows) == [(1, [dt.datetime(1900, 12, 31)], ())]


def test_it_shows_a_shared_formula_translated_to_each_cell(tmp_path):
    path = _package(
        tmp_path / "shared.xlsx",
        '<row r="2"><c r="C2"><f t="shared" ref="C2:C3" si="0">A2*10000</f><v>1</v></c></row>'
        '<row r="3"><c r="C3"><f t="shared" si="0"/><v>2</v></c></row>',
    )

    assert rows_of(path) == [
        (1, [], ()),
        (2, [None, None, "=A2*10000"], (2,)),
        (3, [None, None, "=A3*10000"], (2,)),
    ]


def test_it_refuses_a_zip_that_is_not_a_workbook(tmp_path):
    path = tmp_path / "other.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")

    error = refusal(path)
    assert (error.code, error.params["error"]) == ("file.unreadable", "KeyError")


_CELLS = st.one_of(
    st.none(),
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=12).filter(
        lambda text: not text.startswith("=")
    ),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=False, allow_infinity=False, width=64).filter(lambda number: abs(number) < 1e15),
    st.booleans(),
    st.datetimes(min_value=dt.datetime(1901, 1, 1), max_value=dt.datetime(2100, 1, 1)).map(
        lambda moment: moment.replace(microsecond=0)
    ),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(_CELLS, min_size=1, max_size=6), min_size=1, max_size=6))
def test_it_returns_the_values_openpyxl_returns_for_any_sheet(tmp_path, grid):
    path = tmp_path / "any.xlsx"
    workbook = openpyxl.Workbook()
    for row in grid:
        workbook.active.append(row)
    workbook.save(path)
    reference = openpyxl.load_workbook(path, read_only=True)
    sheet = reference.worksheets[0]
    sheet.reset_dimensions()
    expected = [[cell.value for cell in row] for row in sheet.iter_rows()]
    reference.close()

    assert [values for _, values, _ in rows_of(path)] == expected


def test_it_numbers_columns_as_spreadsheets_do():
    assert [column_index(letters) for letters in ("A", "Z", "AA", "AZ", "BA", "XFD")] == [
        1,
        26,
        27,
        52,
        53,
        16384,
    ]
    assert [cell_name(index, 7) for index in (0, 25, 26, 16383)] == ["A7", "Z7", "AA7", "XFD7"]


# ---------------------------------------------------------------- headers

HEADINGS = Headings(
    [
        Heading("credit_code", "统一社会信用代码", ("Unified social credit code",), required=True),
        Heading("name", "企业名称", ("Name",), required=True),
        Heading("employees", "从业人员（人）", ("Employees",)),
        Heading("size_class", "企业划型（系统计算）", ("Size class (computed)",), ignored=True),
    ]
)


def test_it_matches_chinese_and_english_headers_and_keys_loosely():
    assert normalize_header(" 从业人员（人） ") == normalize_header("从业人员(人)") == "从业人员(人)"
    layout, problems = HEADINGS.layout(
        "a.csv", [" NAME ", "credit_code", "从业人员(人)", "企业划型（系统计算）"]
    )

    assert problems == []
    assert [(index, heading.key) for index, heading in layout.columns] == [
        (0, "name"),
        (1, "credit_code"),
        (2, "employees"),
    ]
    assert (layout.width, layout.index_of("employees"), layout.index_of("missing")) == (4, 2, None)


def test_it_names_every_header_problem_with_its_cell():
    _, problems = HEADINGS.layout("a.csv", ["企业名称", None, "备注", "Name", "  "])

    assert [(p.code, p.cell, p.column, p.value) for p in problems] == [
        ("header.empty", "B1", None, ""),
        ("header.unknown", "C1", "备注", "备注"),
        ("header.duplicate", "D1", "企业名称", "Name"),
        ("header.missing_required", None, "统一社会信用代码", ""),
    ]
    assert problems[2].text() == "Column “企业名称” appears twice (see also column 1): delete one of them"


def test_it_says_when_no_header_is_recognised_at_all():
    _, problems = HEADINGS.layout("a.csv", ["ͳһ", "��ҵ"])

    assert problems[-1].code == "header.not_found"
