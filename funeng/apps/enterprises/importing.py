"""Atomic bulk import of enterprises from CSV (UTF-8, UTF-8 with BOM, GBK) or XLSX.

Two passes keep memory bounded whatever the file size: pass 1 streams every row through the
validators and keeps only the credit codes (for duplicates) and a capped list of issues; pass 2,
only when nothing is wrong, re-reads the file and writes chunks of CHUNK_SIZE rows inside one
transaction. Messages are Chinese by design (the people fixing the files read Chinese); each
carries an English key for programs and tests.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import math
import re
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from django.db import IntegrityError, reset_queries, transaction
from django.utils import timezone
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from engines.reference.credit_code import VALUE, check_character, credit_code_problem
from engines.reference.errors import UnknownCodeError
from engines.reference.industry import industry_table
from engines.reference.regions import region_table
from engines.rules.fields import RATIO_PLACES
from funeng.apps.audit.models import AuditAction
from funeng.apps.audit.services import audit_record_many
from funeng.apps.enterprises.classification import enterprises_apply_classes
from funeng.apps.enterprises.columns import (
    BOOL,
    CHOICE,
    CODE,
    COLUMN_BY_KEY,
    COLUMNS,
    DATE,
    HEADER_INDEX,
    INT,
    MONEY,
    RATIO,
    TEXT,
    Column,
    normalize_header,
)
from funeng.apps.enterprises.models import Enterprise

CHUNK_SIZE = 2000
MAX_STORED_ISSUES = 1000  # per list; every issue is still counted
_MONEY_LIMIT = Decimal(10) ** 16  # DecimalField(max_digits=18, decimal_places=2)
_CENT = Decimal("0.01")
_INT_LIMIT = 2_147_483_647  # PositiveIntegerField on PostgreSQL
_WAN = 10_000
_READ_CHUNK = 1 << 20
_CREDIT_CODE = COLUMN_BY_KEY["credit_code"]


@dataclass
class ImportReport:
    """What an import did or would do: counts and the row/column/key of every problem."""

    filename: str
    dry_run: bool = False
    rows: int = 0  # non-blank data rows read
    created: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    error_count: int = 0
    warnings: list[dict[str, Any]] = field(default_factory=list)
    warning_count: int = 0

    @property
    def ok(self) -> bool:
        """True when the file has no error (warnings do not block)."""
        return self.error_count == 0

    def add(self, issues: list[dict[str, Any]], *, warning: bool = False) -> None:
        """Count issues; keep the first MAX_STORED_ISSUES of each kind."""
        target = self.warnings if warning else self.errors
        if warning:
            self.warning_count += len(issues)
        else:
            self.error_count += len(issues)
        room = MAX_STORED_ISSUES - len(target)
        if room > 0:
            target.extend(issues[:room])

    def summary(self) -> str:
        """One line for the CLI and the page."""
        if not self.ok:
            return f"{self.filename}: errors {self.error_count}, rows {self.rows}; nothing was written"
        if self.dry_run:
            return (
                f"{self.filename}: dry run, rows valid {self.rows}, created 0 (nothing written), "
                f"warnings {self.warning_count}"
            )
        return f"{self.filename}: created {self.created}, warnings {self.warning_count}"


def issue_line(issue: dict[str, Any]) -> str:
    """A report line a person can act on: where, what key, why, and the value found."""
    where = issue["file"] + (f" 第 {issue['row']} 行" if issue.get("row") else "")
    if issue.get("column"):
        where += f"「{issue['column']}」"
    if issue.get("cell"):
        where += f" ({issue['cell']})"
    value = f"  值：{issue['value']}" if issue.get("value") not in (None, "") else ""
    return f"{where} [{issue['key']}] {issue['message']}{value}"


class _FileError(Exception):
    """The file as a whole cannot be read; nothing row-level is worth reporting."""

    def __init__(self, key: str, message: str, *, row: int | None = None) -> None:
        super().__init__(message)
        self.key, self.message, self.row = key, message, row


class _Invalid(Exception):
    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key, self.message = key, message


class _FileChanged(Exception):
    """Pass 2 found what pass 1 did not: the file changed between the passes."""


def _show(value: object) -> str:
    if value is None:
        return ""
    text = value.isoformat() if isinstance(value, dt.date) else str(value)
    return text if len(text) <= 100 else text[:99] + "…"


# ---------------------------------------------------------------- sources


Row = tuple[int, list[Any], tuple[int, ...]]  # spreadsheet row number, cell values, formula cell indexes


def _decodes(path: Path, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(_READ_CHUNK):
                decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _csv_encoding(path: Path) -> str:
    """UTF-8 with or without BOM, else GBK (read as its superset GB18030); anything else is refused."""
    with path.open("rb") as handle:
        head = handle.read(4)
    if head.startswith(b"PK\x03\x04"):
        raise _FileError(
            "file.type_mismatch", "文件扩展名是 .csv，内容却是 Excel 工作簿：请把扩展名改为 .xlsx"
        )
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise _FileError("file.encoding", "文件是 UTF-16 编码：请在 Excel 中另存为「CSV UTF-8（逗号分隔）」")
    if head.startswith(codecs.BOM_UTF8):
        if not _decodes(path, "utf-8-sig"):
            raise _FileError(
                "file.encoding", "文件以 UTF-8 BOM 开头，但内容不是有效的 UTF-8：请重新另存为 CSV UTF-8"
            )
        return "utf-8-sig"
    for encoding in ("utf-8", "gb18030"):
        if _decodes(path, encoding):
            return encoding
    raise _FileError(
        "file.encoding",
        "无法识别文件编码：既不是 UTF-8 也不是 GBK。请在 Excel 中另存为「CSV UTF-8（逗号分隔）」后重新导入",
    )


class _CsvSource:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.encoding = _csv_encoding(path)
        self.strip_quote_prefix = True

    def rows(self) -> Iterator[Row]:
        with self.path.open(encoding=self.encoding, newline="") as handle:
            reader = csv.reader(handle)
            number = 0
            try:
                for number, values in enumerate(reader, start=1):  # noqa: B007  (used after the loop)
                    yield number, values, ()
            except csv.Error as exc:
                raise _FileError(
                    "file.csv_syntax", f"第 {number + 1} 行不是有效的 CSV：{exc}", row=number + 1
                ) from None


def _first_sheet_member(archive: zipfile.ZipFile) -> str | None:
    """The zip member of the first worksheet, the one openpyxl reads as worksheets[0]."""
    ns = {
        "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
        "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
        "p": "http://schemas.openxmlformats.org/package/2006/relationships",
    }
    try:
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError):
        return None
    sheet = workbook.find("m:sheets/m:sheet", ns)
    if sheet is None:
        return None
    rel_id = sheet.get(f"{{{ns['r']}}}id")
    for rel in rels.findall("p:Relationship", ns):
        if rel.get("Id") == rel_id:
            target = rel.get("Target", "")
            return target.lstrip("/") if target.startswith("/") else "xl/" + target
    return None


_MERGE = re.compile(rb"<(?:\w+:)?mergeCell\s+ref=\"([A-Z]+)(\d+)(?::([A-Z]+\d+))?\"")


def _merged_ranges(path: Path) -> list[tuple[str, int, str]]:
    """Merged ranges of the first sheet as (first column letter, first row, range).

    Read-only openpyxl does not expose merges; scanning the sheet XML bytes for <mergeCell> is
    streaming and cheap, so it runs for files of any size.
    """
    found: list[tuple[str, int, str]] = []
    with zipfile.ZipFile(path) as archive:
        member = _first_sheet_member(archive)
        if member is None:
            return found
        with archive.open(member) as handle:
            tail = b""
            while chunk := handle.read(_READ_CHUNK):
                buffer = tail + chunk
                last_end = 0
                for match in _MERGE.finditer(buffer):
                    letters, row, end = match.group(1).decode(), int(match.group(2)), match.group(3)
                    found.append((letters, row, f"{letters}{row}" + (f":{end.decode()}" if end else "")))
                    last_end = match.end()
                tail = buffer[max(last_end, len(buffer) - 200) :]
    return found


class _XlsxSource:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.strip_quote_prefix = False  # Excel keeps a typed ' as a style, not in the value
        with _unreadable_as_file_error():
            self.merged = _merged_ranges(path)

    def rows(self) -> Iterator[Row]:
        # data_only=False: a formula shows as its text, so it is refused instead of imported as a stale cache.
        with _unreadable_as_file_error():
            workbook = load_workbook(self.path, read_only=True, data_only=False)
        try:
            sheet = workbook.worksheets[0]
            sheet.reset_dimensions()  # trust the cells, not a possibly wrong <dimension> element
            for number, cells in enumerate(sheet.iter_rows(min_row=1), start=1):
                values = [cell.value for cell in cells]
                formulas = tuple(i for i, cell in enumerate(cells) if cell.data_type == "f")
                yield number, values, formulas
        finally:
            workbook.close()


@contextmanager
def _unreadable_as_file_error() -> Iterator[None]:
    try:
        yield
    except (
        zipfile.BadZipFile,
        InvalidFileException,
        KeyError,
        OSError,
        ValueError,
        ElementTree.ParseError,
    ) as exc:
        raise _FileError(
            "file.unreadable",
            f"无法读取 Excel 文件（{type(exc).__name__}）：请用 Excel 打开后另存为 .xlsx 再导入",
        ) from None


def _open_source(path: Path, filename: str) -> _CsvSource | _XlsxSource:
    if not path.exists() or path.stat().st_size == 0:
        raise _FileError("file.empty", "文件为空：请使用导入模板填写后再导入")
    suffix = Path(filename).suffix.lower()
    if suffix == ".csv":
        return _CsvSource(path)
    if suffix == ".xlsx":
        return _XlsxSource(path)
    if suffix == ".xls":
        raise _FileError("file.type", "不支持旧版 .xls 文件：请在 Excel 中另存为 .xlsx 或 CSV UTF-8")
    raise _FileError("file.type", f"不支持的文件类型“{suffix or filename}”：只能导入 .csv 或 .xlsx")


# ---------------------------------------------------------------- cells

_Notes = list[tuple[str, str]]  # (key, message) of the warnings a cell parser raises


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _numeric(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _text(raw: object, column: Column, _notes: _Notes) -> str:
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    text = str(raw).strip()
    if column.max_length and len(text) > column.max_length:
        raise _Invalid(
            f"{column.key}.too_long", f"{column.header_zh}最多 {column.max_length} 个字，现有 {len(text)} 个"
        )
    return text


def _credit_code(code: str) -> None:
    if credit_code_problem(code) is None:
        return
    if len(code) != 18:
        raise _Invalid("credit_code.length", f"统一社会信用代码应为 18 位，现为 {len(code)} 位")
    bad = next((char for char in code if char not in VALUE), None)
    if bad is not None:
        raise _Invalid(
            "credit_code.charset",
            f"统一社会信用代码含不允许的字符“{bad}”：只能是数字和除 I、O、Z、S、V 以外的大写字母",
        )
    raise _Invalid(
        "credit_code.check_character", f"统一社会信用代码校验位错误：应为 {check_character(code[:17])}"
    )


def _industry_code(code: str) -> None:
    try:
        industry_table().get_class(code)
    except UnknownCodeError:
        if re.fullmatch(r"\d{4}", code):
            raise _Invalid(
                "industry_code.unknown", f"行业代码 {code} 不在 GB/T 4754-2017 国民经济行业分类中"
            ) from None
        raise _Invalid(
            "industry_code.format",
            "行业代码应为 GB/T 4754-2017 的 4 位小类代码（如 3911），不是门类、大类或中类",
        ) from None


def _region_code(code: str) -> None:
    table = region_table()
    try:
        table.resolve(code)
    except UnknownCodeError:
        if not re.fullmatch(r"\d{6}", code):
            raise _Invalid(
                "region_code.format", "行政区划代码应为 GB/T 2260 的 6 位数字，如 330106"
            ) from None
        province = table.by_code.get(code[:2] + "0000")
        if province is None:
            raise _Invalid(
                "region_code.unknown", f"行政区划代码 {code} 无效：没有省级区划 {code[:2]}0000"
            ) from None
        if code[:4] + "00" not in table.by_code:
            raise _Invalid(
                "region_code.unknown", f"行政区划代码 {code} 无效：{province.name}没有地市级区划 {code[:4]}00"
            ) from None
        raise _Invalid("region_code.unknown", f"行政区划代码 {code} 无效：不是地市或区县代码") from None


_CODE_RULES: dict[str, Callable[[str], None]] = {
    "credit_code": _credit_code,
    "industry_code": _industry_code,
    "region_code": _region_code,
}
_CODE_WIDTH = {"industry_code": 4}  # fixed-width codes whose leading zeros a numeric cell drops


def _code(raw: object, column: Column, notes: _Notes) -> str:
    if isinstance(raw, bool | dt.date | dt.time | dt.timedelta):
        raise _Invalid(f"{column.key}.format", f"{column.header_zh}应为文本代码")
    if _numeric(raw):
        assert isinstance(raw, int | float)
        if column.key == "credit_code":
            raise _Invalid(
                "credit_code.numeric_cell",
                "统一社会信用代码在 Excel 中是数字，18 位数字会丢失精度：请把该列设为文本后重新填写",
            )
        if isinstance(raw, float) and not raw.is_integer():
            raise _Invalid(f"{column.key}.format", f"{column.header_zh}应为整数代码，不能有小数")
        code = str(int(raw))
        width = _CODE_WIDTH.get(column.key)
        if width and len(code) < width:
            code = code.zfill(width)
            notes.append(
                (
                    f"{column.key}.zero_padded",
                    f"{column.header_zh}在 Excel 中是数字，已补足前导 0 为 {code}；请把该列设为文本",
                )
            )
    else:
        code = str(raw).strip().upper()
    _CODE_RULES[column.key](code)
    return code


_INTEGER = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)")
_DECIMAL = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?")


def _number_text(raw: str) -> str:
    text = raw.strip().replace("，", ",").replace(" ", "").replace("\u00a0", "")
    return text.removeprefix("¥").removeprefix("￥").removesuffix("元")


def _int(raw: object, column: Column, _notes: _Notes) -> int:
    number: int
    if isinstance(raw, bool):
        raise _Invalid("number.invalid", f"{column.header_zh}应为整数")
    if isinstance(raw, int):
        number = raw
    elif isinstance(raw, float):
        if not math.isfinite(raw) or not raw.is_integer():
            raise _Invalid("number.not_whole", f"{column.header_zh}应为整数，不能有小数")
        number = int(raw)
    elif isinstance(raw, str):
        text = _number_text(raw)
        if _INTEGER.fullmatch(text):
            number = int(text.replace(",", ""))
        elif _DECIMAL.fullmatch(text):
            value = Decimal(text.replace(",", ""))
            if value != value.to_integral_value():
                raise _Invalid("number.not_whole", f"{column.header_zh}应为整数，不能有小数")
            number = int(value)
        else:
            raise _Invalid("number.invalid", f"{column.header_zh}应为数字")
    else:
        raise _Invalid("number.invalid", f"{column.header_zh}应为数字")
    if number < 0:
        raise _Invalid("number.negative", f"{column.header_zh}不能为负数")
    if number > _INT_LIMIT:
        raise _Invalid("number.too_large", f"{column.header_zh}超出上限 {_INT_LIMIT:,}")
    return number


def _money(raw: object, column: Column, _notes: _Notes) -> Decimal:
    if isinstance(raw, bool):
        raise _Invalid("number.invalid", f"{column.header_zh}应为金额数字（元）")
    if isinstance(raw, int):
        value = Decimal(raw)
    elif isinstance(raw, float):
        if not math.isfinite(raw):
            raise _Invalid("number.invalid", f"{column.header_zh}应为金额数字（元）")
        # The shortest decimal that reads back as this float: 1234.5, not 1234.49999999999997…
        value = Decimal(repr(raw))
    elif isinstance(raw, str):
        text = _number_text(raw)
        if "万" in text:
            raise _Invalid(
                "money.wan_unit", f"{column.header_zh}的单位是元，不能填“万”：请换算为元（乘以 10000）"
            )
        if not _DECIMAL.fullmatch(text):
            raise _Invalid("number.invalid", f"{column.header_zh}应为金额数字（元），如 1234.50 或 1,234.50")
        try:
            value = Decimal(text.replace(",", ""))
        except InvalidOperation:
            raise _Invalid("number.invalid", f"{column.header_zh}应为金额数字（元）") from None
    else:
        raise _Invalid("number.invalid", f"{column.header_zh}应为金额数字（元）")
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2 and value != value.quantize(_CENT):
        raise _Invalid("money.precision", f"{column.header_zh}最多保留两位小数（到分）")
    if value < 0 and not column.signed:
        raise _Invalid("number.negative", f"{column.header_zh}不能为负数")
    if abs(value) >= _MONEY_LIMIT:
        raise _Invalid("number.too_large", f"{column.header_zh}超出上限（16 位整数）")
    return value.quantize(_CENT)


_DATE = re.compile(
    r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]00:00(?::00)?)?|(\d{4})年(\d{1,2})月(\d{1,2})日"
)


def _date(raw: object, column: Column, _notes: _Notes) -> dt.date:
    if isinstance(raw, dt.datetime):
        if raw.time() != dt.time(0, 0):
            raise _Invalid("date.invalid", f"{column.header_zh}只填日期，不要带时间")
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    if isinstance(raw, str) and (match := _DATE.fullmatch(raw.strip())):
        year, month, day = (
            int(part) for part in (match.groups()[:3] if match.group(1) else match.groups()[3:])
        )
        try:
            return dt.date(year, month, day)
        except ValueError:
            raise _Invalid("date.invalid", f"{column.header_zh}不是有效日期") from None
    raise _Invalid(
        "date.invalid", f"{column.header_zh}应为日期，格式 YYYY-MM-DD（如 2015-06-30）或 Excel 日期单元格"
    )


def _choice(raw: object, column: Column, _notes: _Notes) -> str:
    accepted = {normalize_header(code): code for code, _ in column.choices} | {
        normalize_header(label): code for code, label in column.choices
    }
    code = accepted.get(normalize_header(raw))
    if code is None:
        allowed = "、".join(f"{code}（{label}）" for code, label in column.choices)
        raise _Invalid(f"{column.key}.invalid", f"{column.header_zh}无法识别：请填写 {allowed} 之一，或留空")
    return code


_RATIO_UNIT = Decimal(1).scaleb(-RATIO_PLACES)


def _ratio(raw: object, column: Column, notes: _Notes) -> Decimal:
    """A ratio as a decimal: 0.05, or 5% (text or an Excel percent cell, which holds 0.05)."""
    percent = False
    if isinstance(raw, bool):
        raise _Invalid("ratio.invalid", f"{column.header_zh}应为小数或百分数，如 0.05 或 5%")
    if isinstance(raw, int):
        value = Decimal(raw)
    elif isinstance(raw, float):
        if not math.isfinite(raw):
            raise _Invalid("ratio.invalid", f"{column.header_zh}应为小数或百分数，如 0.05 或 5%")
        value = Decimal(repr(raw))  # an Excel percent cell: 5% is stored as 0.05
    elif isinstance(raw, str):
        text = raw.strip().replace(" ", "").replace("\u00a0", "").replace("％", "%")
        percent = text.endswith("%")
        text = text.removesuffix("%")
        if not re.fullmatch(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)", text):
            raise _Invalid("ratio.invalid", f"{column.header_zh}应为小数或百分数，如 0.05 或 5%")
        value = Decimal(text)
        if percent:
            value = value.scaleb(-2)
    else:
        raise _Invalid("ratio.invalid", f"{column.header_zh}应为小数或百分数，如 0.05 或 5%")
    if value != value.quantize(_RATIO_UNIT):
        raise _Invalid(
            "ratio.precision",
            f"{column.header_zh}最多 {RATIO_PLACES} 位小数（百分数最多 {RATIO_PLACES - 2} 位）",
        )
    low, high = column.bounds or (0, 1)
    if not low <= value <= high:
        raise _Invalid(
            "ratio.out_of_range",
            f"{column.header_zh}应在 {low * 100}% 至 {high * 100}% 之间（即 {low} 至 {high}）",
        )
    if not percent and abs(value) >= 1:
        # 5 typed for 5% reads as 500%: a plain number this large is allowed but worth a second look.
        notes.append(
            (
                "ratio.large_plain_number",
                f"{column.header_zh}填的是小数 {value}，即 {_percent_text(value)}：若本意是 {value}%，"
                f"请写成 {value}% 或 {value.scaleb(-2)}",
            )
        )
    return value.quantize(_RATIO_UNIT)


def _percent_text(value: Decimal) -> str:
    return format(value.scaleb(2).normalize(), "f") + "%"


_BOOL_INPUT = {
    normalize_header(text): meaning
    for meaning, texts in (
        (True, ("是", "有", "y", "yes", "true", "1")),
        (False, ("否", "无", "n", "no", "false", "0")),
    )
    for text in texts
}


def _bool(raw: object, column: Column, _notes: _Notes) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int | float) and raw in (0, 1):
        return bool(raw)
    meaning = _BOOL_INPUT.get(normalize_header(raw))
    if meaning is None:
        raise _Invalid(f"{column.key}.invalid", f"{column.header_zh}应为“是”或“否”，未知请留空")
    return meaning


_PARSERS: dict[str, Callable[[object, Column, _Notes], Any]] = {
    TEXT: _text,
    CODE: _code,
    INT: _int,
    MONEY: _money,
    DATE: _date,
    CHOICE: _choice,
    RATIO: _ratio,
    BOOL: _bool,
}


# ---------------------------------------------------------------- rows


@dataclass(frozen=True)
class _Layout:
    """Which file column holds which field; derived columns are read past."""

    width: int
    columns: tuple[tuple[int, Column], ...]

    def index_of(self, key: str) -> int | None:
        return next((index for index, column in self.columns if column.key == key), None)


Issue = dict[str, Any]
# CSV export puts a ' before text starting with = + - @ so Excel does not run it as a formula.
_QUOTED = ("'=", "'+", "'-", "'@")


def _issue(
    filename: str,
    row: int | None,
    key: str,
    message: str,
    *,
    index: int | None = None,
    column: Column | None = None,
    label: str | None = None,
    value: object = None,
) -> Issue:
    """One report entry: file, row, column (Chinese header), field, cell (A7), value, key, message."""
    return {
        "file": filename,
        "row": row,
        "column": label if label is not None else (column.header_zh if column else None),
        "field": column.key if column else None,
        "cell": f"{get_column_letter(index + 1)}{row}" if index is not None and row else None,
        "value": _show(value),
        "key": key,
        "message": message,
    }


class _RowParser:
    """Turns one data row into field values, errors and warnings."""

    def __init__(self, layout: _Layout, filename: str, *, strip_quote_prefix: bool, today: dt.date) -> None:
        self.layout = layout
        self.filename = filename
        self.strip_quote_prefix = strip_quote_prefix
        self.today = today

    def parse(
        self, row: int, values: list[Any], formulas: tuple[int, ...]
    ) -> tuple[dict[str, Any] | None, list[Issue], list[Issue]]:
        """The field values of one data row (None when it has errors), its errors and its warnings."""
        fields: dict[str, Any] = {}
        errors: list[Issue] = []
        warnings: list[Issue] = []
        notes: list[tuple[str, str]] = []  # (key, message) of warnings a cell parser raised
        count = len(values)
        for index, column in self.layout.columns:
            raw = values[index] if index < count else None

            def problem(
                key: str, message: str, index: int = index, column: Column = column, raw: object = raw
            ) -> Issue:
                return _issue(self.filename, row, key, message, index=index, column=column, value=raw)

            if index in formulas:
                errors.append(
                    problem("cell.formula", f"{column.header_zh}是公式：请复制后「选择性粘贴 → 数值」再导入")
                )
                continue
            if _blank(raw):
                if column.required:
                    errors.append(problem("required.missing", f"{column.header_zh}必填，不能为空"))
                fields[column.key] = "" if column.kind == CHOICE else None
                continue
            if (
                self.strip_quote_prefix
                and column.kind == TEXT
                and isinstance(raw, str)
                and raw.startswith(_QUOTED)
            ):
                raw = raw[1:]
            try:
                fields[column.key] = _PARSERS[column.kind](raw, column, notes)
            except _Invalid as exc:
                errors.append(problem(exc.key, exc.message))
            while notes:
                warnings.append(problem(*notes.pop()))
        stray = next((i for i in range(self.layout.width, count) if not _blank(values[i])), None)
        if stray is not None:
            errors.append(
                _issue(
                    self.filename,
                    row,
                    "cell.no_header",
                    "这一列没有表头：请删除该单元格的内容，或补上表头",
                    index=stray,
                    value=values[stray],
                )
            )
        if errors:
            return None, errors, warnings
        warnings.extend(self.plausibility(row, fields))
        return fields, errors, warnings

    def plausibility(self, row: int, fields: dict[str, Any]) -> list[Issue]:
        """Figures that look like 万元 typed where 元 is expected, and other doubts that do not block."""
        found: list[Issue] = []

        def warn(key: str, issue_key: str, message: str) -> None:
            found.append(
                _issue(
                    self.filename,
                    row,
                    issue_key,
                    message,
                    index=self.layout.index_of(key),
                    column=COLUMN_BY_KEY[key],
                    value=fields.get(key),
                )
            )

        employees = fields.get("employees")
        revenue = fields.get("revenue_cny")
        for key, name in (("revenue_cny", "营业收入"), ("assets_cny", "资产总额")):
            value = fields.get(key)
            if value is not None and 0 < value < _WAN and employees is not None and employees >= 5:
                warn(
                    key,
                    "money.implausible_wan",
                    f"{name}只有 {value} 元，却有 {employees} 名从业人员：是否按万元填写？本列单位是元",
                )
                if key == "revenue_cny":
                    revenue = None  # one warning per cell is enough
        if revenue and employees and revenue / employees < 1000:
            warn(
                "revenue_cny",
                "money.low_per_employee",
                f"人均营业收入不足 1,000 元（{revenue} 元 / {employees} 人）：是否按万元填写？本列单位是元",
            )
        founded = fields.get("founded_on")
        if founded is not None and founded > self.today:
            warn("founded_on", "date.future", "成立日期晚于今天：请核对")
        return found


def _header_layout(filename: str, values: list[Any]) -> tuple[_Layout, list[Issue]]:
    """Match header cells to columns: Chinese header, English header or key, loosely compared."""
    names = [normalize_header(value) for value in values]
    width = max((i + 1 for i, name in enumerate(names) if name), default=0)
    errors: list[Issue] = []
    columns: list[tuple[int, Column]] = []
    seen: dict[str, int] = {}
    for index, name in enumerate(names[:width]):
        text = str(values[index]).strip() if name else ""
        spec = HEADER_INDEX.get(name)
        if not name:
            # Read-only openpyxl cannot see merges; a merged header shows up as an empty cell.
            errors.append(
                _issue(
                    filename,
                    1,
                    "header.empty",
                    "表头单元格为空——不支持合并的表头单元格：请取消合并，并为每一列填写表头",
                    index=index,
                )
            )
        elif spec is None:
            errors.append(
                _issue(
                    filename,
                    1,
                    "header.unknown",
                    f"未知的列“{text}”：请删除该列，或改用导入模板中的表头",
                    index=index,
                    label=text,
                    value=text,
                )
            )
        elif spec.key in seen:
            errors.append(
                _issue(
                    filename,
                    1,
                    "header.duplicate",
                    f"列“{spec.header_zh}”出现了两次（另见第 {seen[spec.key] + 1} 列）：请删除重复的列",
                    index=index,
                    label=spec.header_zh,
                    value=text,
                )
            )
        else:
            seen[spec.key] = index
            if isinstance(spec, Column):
                columns.append((index, spec))
    recognised = {column.key for _, column in columns}
    errors.extend(
        _issue(
            filename,
            1,
            "header.missing_required",
            f"缺少必填列“{column.header_zh}”（也可用英文名 {column.key}）",
            column=column,
        )
        for column in COLUMNS
        if column.required and column.key not in recognised
    )
    if not seen:
        errors.append(
            _issue(
                filename,
                1,
                "header.not_found",
                "第 1 行没有可识别的表头：第 1 行必须是表头（模板中的中文表头或英文字段名）；"
                "若表头是乱码，请把文件另存为 CSV UTF-8",
            )
        )
    return _Layout(width, tuple(columns)), errors


# ---------------------------------------------------------------- the service


def enterprises_import(
    *, path: Path, filename: str | None = None, acting_user: Any, dry_run: bool = False
) -> ImportReport:
    """Validate every row of a CSV/XLSX file, then create all enterprises in one transaction, or none."""
    path = Path(path)
    filename = filename or path.name
    report = ImportReport(filename=filename, dry_run=dry_run)
    try:
        source = _open_source(path, filename)
        parser, codes = _validate(source, filename, report)
        if report.ok:
            _check_existing(codes, parser, report)
        del codes  # pass 2 needs none of it
        if report.ok and not dry_run:
            _write(source, parser, report, acting_user)
    except _FileError as exc:
        report.add([_issue(filename, exc.row, exc.key, exc.message)])
    report.errors.sort(key=lambda issue: issue["row"] or 0)
    report.warnings.sort(key=lambda issue: issue["row"] or 0)
    return report


def _validate(
    source: _CsvSource | _XlsxSource, filename: str, report: ImportReport
) -> tuple[_RowParser, dict[str, int]]:
    """Pass 1: stream every row through the validators; keep only credit codes and issues."""
    rows = source.rows()
    header = next(rows, None)
    if header is None or all(_blank(value) for value in header[1]):
        if any(not all(_blank(value) for value in values) for _, values, _ in rows):
            raise _FileError(
                "file.no_header", "第 1 行应为表头，但是空的：请删除表头上方的空行，或使用导入模板", row=1
            )
        raise _FileError("file.empty", "文件为空：第 1 行应为表头，其后每行一家企业。请使用导入模板")
    layout, header_errors = _header_layout(filename, header[1])
    report.add(header_errors)
    if isinstance(source, _XlsxSource):
        report.add(
            [
                _issue(
                    filename,
                    row,
                    "xlsx.merged_cells",
                    f"合并单元格 {cells} 不受支持：请取消合并，并在每个单元格中填写内容",
                    label=letters,
                    value=cells,
                )
                for letters, row, cells in source.merged
            ]
        )
    parser = _RowParser(
        layout, filename, strip_quote_prefix=source.strip_quote_prefix, today=timezone.localdate()
    )
    codes: dict[str, int] = {}
    if not layout.columns:
        return parser, codes  # nothing recognisable: row-by-row errors would only repeat the header's
    credit_index = layout.index_of("credit_code")
    for number, values, formulas in rows:
        if all(_blank(value) for value in values):
            continue
        report.rows += 1
        fields, errors, warnings = parser.parse(number, values, formulas)
        report.add(warnings, warning=True)
        report.add(errors)
        if credit_index is None:
            continue
        code = fields["credit_code"] if fields else _loose_code(values, credit_index)
        first = codes.setdefault(code, number) if code else number
        if first != number:
            report.add(
                [
                    _issue(
                        filename,
                        number,
                        "credit_code.duplicate_in_file",
                        f"统一社会信用代码与第 {first} 行重复：每家企业只能出现一次",
                        index=credit_index,
                        column=_CREDIT_CODE,
                        value=code,
                    )
                ]
            )
    if report.rows == 0 and report.ok:
        raise _FileError("file.no_rows", "文件只有表头，没有数据行：请在第 2 行起每行填写一家企业", row=2)
    return parser, codes


def _loose_code(values: list[Any], index: int) -> str:
    """The credit code of a row with errors, so duplicates are still found among bad rows."""
    value = values[index] if index < len(values) else None
    return value.strip().upper() if isinstance(value, str) else ""


def _check_existing(codes: dict[str, int], parser: _RowParser, report: ImportReport) -> None:
    """Credit codes already in the registry are errors: import only creates."""
    index = parser.layout.index_of("credit_code")
    pending = list(codes)
    for start in range(0, len(pending), CHUNK_SIZE):
        batch = pending[start : start + CHUNK_SIZE]
        existing = Enterprise.objects.filter(credit_code__in=batch).values_list("credit_code", flat=True)
        report.add(
            [
                _issue(
                    parser.filename,
                    codes[code],
                    "credit_code.exists",
                    "该统一社会信用代码的企业已在企业库中：批量导入只新增企业，请删除此行或到企业详情页修改",
                    index=index,
                    column=_CREDIT_CODE,
                    value=code,
                )
                for code in existing
            ]
        )


def _audit_changes(fields: dict[str, Any]) -> dict[str, list[Any]]:
    return {
        key: [None, value.isoformat() if isinstance(value, dt.date) else str(value)]
        for key, value in fields.items()
        if value is not None and value != ""
    }


def _write(
    source: _CsvSource | _XlsxSource, parser: _RowParser, report: ImportReport, acting_user: Any
) -> None:
    """Pass 2: re-read the validated file and create every enterprise in chunks, in one transaction."""
    try:
        with transaction.atomic():
            batch: list[dict[str, Any]] = []
            created = 0
            rows = source.rows()
            next(rows, None)
            for number, values, formulas in rows:
                if all(_blank(value) for value in values):
                    continue
                fields, errors, _ = parser.parse(number, values, formulas)
                if errors or fields is None:
                    raise _FileChanged
                batch.append(fields)
                if len(batch) >= CHUNK_SIZE:
                    created += _create(batch, acting_user)
                    batch = []
            created += _create(batch, acting_user)
            if created != report.rows:
                raise _FileChanged
    except _FileChanged:
        raise _FileError("file.changed", "文件在导入过程中被修改：请关闭其他程序后重新导入") from None
    except IntegrityError:
        raise _FileError(
            "db.conflict", "导入时有其他人新增了相同统一社会信用代码的企业：未写入任何数据，请重新导入"
        ) from None
    report.created = created


def _create(batch: list[dict[str, Any]], acting_user: Any) -> int:
    if not batch:
        return 0
    enterprises = [Enterprise(**fields) for fields in batch]
    enterprises_apply_classes(enterprises)
    Enterprise.objects.bulk_create(enterprises, batch_size=CHUNK_SIZE)
    if any(enterprise.pk is None for enterprise in enterprises):  # backends that cannot return ids
        ids = dict(
            Enterprise.objects.filter(credit_code__in=[e.credit_code for e in enterprises]).values_list(
                "credit_code", "pk"
            )
        )
        for enterprise in enterprises:
            enterprise.pk = ids[enterprise.credit_code]
    audit_record_many(
        actor=acting_user,
        action=AuditAction.IMPORT,
        objects=(
            (enterprise, _audit_changes(fields))
            for enterprise, fields in zip(enterprises, batch, strict=True)
        ),
    )
    # With DEBUG on, Django keeps every SQL string; a 200,000-row import would hold them all.
    reset_queries()
    return len(batch)
