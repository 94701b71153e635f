"""Cloud bills from a file (CSV or XLSX) or an API batch: every cell checked, problems by file, row, column, reason.

What needs the database (unknown credit codes, months already stored, whose bill a provider may
report) is checked by services.cloud_usage_import; this module parses and checks each row alone.
Messages are English msgids with parameters, rendered in the reader's language when shown, so the
API can send both languages.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.utils import translation
from django.utils.translation import gettext, gettext_noop
from openpyxl import Workbook

from engines.tabular.cells import parse_code, parse_money, parse_text
from engines.tabular.files import open_table
from engines.tabular.headers import normalize_header
from engines.tabular.problems import CellInvalid, FileInvalid
from engines.tabular.table import is_blank
from funeng.apps.core.xlsx import header_row, text_cell
from funeng.apps.finance.const import (
    FIRST_BILL_YEAR,
    MAX_MONTHLY_CLOUD_BILL_CNY,
    MAX_ROWS_PER_IMPORT,
    ServiceCategory,
)

# Column key, Chinese heading, English heading: either heading (or the key) is accepted on import.
COLUMNS = (
    ("credit_code", "统一社会信用代码", "Credit code"),
    ("month", "月份", "Month"),
    ("provider_name", "云服务商", "Cloud provider"),
    ("service_category", "服务类别", "Service category"),
    ("amount_cny", "金额（元）", "Amount (yuan)"),
    ("currency", "币种", "Currency"),
    ("usage_quantity", "用量", "Usage quantity"),
    ("usage_unit", "用量单位", "Usage unit"),
)
# Other headings people write for the same columns.
ALIASES = {
    "amount_cny": ("金额", "金额(元)", "Amount", "Amount (CNY)"),
    "credit_code": ("信用代码", "Unified social credit code"),
    "provider_name": ("服务商", "Provider"),
    "service_category": ("类别", "Category"),
    "usage_unit": ("单位", "Unit"),
    "usage_quantity": ("Quantity",),
}
REQUIRED = ("credit_code", "month", "service_category", "amount_cny")
# Yuan in every spelling a bill uses; any other currency is refused, never converted.
YUAN = {"", "cny", "rmb", "人民币", "元", "人民币元", "¥", "￥"}
# More spellings of the categories than their labels (what providers' bills call them).
CATEGORY_ALIASES = {
    "计算": ServiceCategory.COMPUTE,
    "算力": ServiceCategory.COMPUTE,
    "云主机": ServiceCategory.COMPUTE,
    "存储": ServiceCategory.STORAGE,
    "对象存储": ServiceCategory.STORAGE,
    "工业互联网": ServiceCategory.INDUSTRIAL_INTERNET,
    "工业互联网平台": ServiceCategory.INDUSTRIAL_INTERNET,
    "其他": ServiceCategory.OTHER,
}
_MONTH = re.compile(r"(\d{4})\s*(?:[-/.]|年)\s*(\d{1,2})\s*月?")
MAX_QUANTITY = Decimal(10) ** 14


@dataclass(frozen=True)
class ImportProblem:
    """What is wrong with one cell, one row or the file: file, row, column and reason (a msgid)."""

    file: str
    row: int | None
    column: str  # the heading as the file names it; the field key for API rows
    key: str  # the column's field key ("" for the file or the row)
    msgid: str
    params: Mapping[str, Any] = field(default_factory=dict)

    @property
    def message(self) -> str:
        """The reason in the active language."""
        params = {**self.params, "column": self.column}
        return gettext(self.msgid) % params if "%(" in self.msgid else gettext(self.msgid)

    def message_in(self, language: str) -> str:
        with translation.override(language):
            return self.message


@dataclass(frozen=True)
class CloudBillRow:
    """One checked row of a bill."""

    row: int
    credit_code: str
    month: dt.date
    provider_name: str  # blank when the reporting provider's own name is meant
    service_category: str
    amount_cny: Decimal
    usage_quantity: Decimal | None
    usage_unit: str


def _in(language: str, text: object) -> str:
    with translation.override(language):
        return str(text)


def category_lookup() -> dict[str, str]:
    """Every accepted spelling of a service category (key, Chinese or English label) → its key."""
    found = {normalize_header(k): str(v) for k, v in CATEGORY_ALIASES.items()}
    for key, label in ServiceCategory.choices:
        for name in (key, _in("zh-hans", label), _in("en", label)):
            found[normalize_header(name)] = key
    return found


def cloud_bill_template() -> bytes:
    """The cloud-bill template: the columns, example rows, and a sheet naming the categories."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("cloud_bills")
    sheet.append(header_row(sheet, [zh for _key, zh, _en in COLUMNS]))
    for row in (
        ("91330106MA2H7K1N3G", "2025-01", "示例云", "计算", 12800.00, "人民币", 720, "核时"),
        ("91330106MA2H7K1N3G", "2025-01", "示例云", "存储", 860.50, "人民币", 2048, "GB·月"),
        ("91330106MA2H7K1N3G", "2025-02", "示例云", "计算", 13150.00, "人民币", 744, "核时"),
    ):
        sheet.append([text_cell(sheet, v) if isinstance(v, str) else v for v in row])
    ref = book.create_sheet("categories")
    ref.append(header_row(ref, ["服务类别", "Service category", "key"]))
    for key, label in ServiceCategory.choices:
        ref.append(
            [text_cell(ref, _in("zh-hans", label)), text_cell(ref, _in("en", label)), text_cell(ref, key)]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _header_keys() -> dict[str, str]:
    keys: dict[str, str] = {}
    for key, zh, en in COLUMNS:
        for name in (key, zh, en, *ALIASES.get(key, ())):
            keys[normalize_header(name)] = key
    return keys


def _parse_month(raw: object, today: dt.date) -> dt.date:
    if isinstance(raw, dt.datetime):
        raw = raw.date()
    if isinstance(raw, dt.date):
        if raw.day != 1:
            raise CellInvalid(
                "month.day", gettext_noop("%(column)s takes a month as YYYY-MM, such as 2025-03")
            )
        month = raw
    else:
        match = _MONTH.fullmatch(str(raw).strip())
        if match is None or not 1 <= int(match.group(2)) <= 12:
            raise CellInvalid(
                "month.invalid", gettext_noop("%(column)s takes a month as YYYY-MM, such as 2025-03")
            )
        month = dt.date(int(match.group(1)), int(match.group(2)), 1)
    if month.year < FIRST_BILL_YEAR:
        raise CellInvalid(
            "month.early", gettext_noop("%(column)s is before %(year)s: check the year"), year=FIRST_BILL_YEAR
        )
    if month > today.replace(day=1):
        raise CellInvalid(
            "month.future",
            gettext_noop("%(column)s is a month still to come: a bill covers a month that has begun"),
        )
    return month


def _parse_amount(raw: object) -> Decimal:
    amount = parse_money(raw, signed=True)
    if amount <= 0:
        raise CellInvalid(
            "amount.not_positive",
            gettext_noop(
                "%(column)s must be more than 0: a bill is an amount paid. Leave credits and refunds out of the file"
            ),
        )
    if amount > MAX_MONTHLY_CLOUD_BILL_CNY:
        raise CellInvalid(
            "amount.absurd",
            gettext_noop(
                "%(column)s is above %(limit)s yuan, more than one month of cloud services of a small or "
                "medium enterprise costs: is the amount in 万元 (10,000 yuan) instead of 元? Give it in yuan"
            ),
            limit=f"{MAX_MONTHLY_CLOUD_BILL_CNY:,.0f}",
        )
    return amount


def _parse_quantity(raw: object) -> Decimal:
    text = str(raw).strip().replace(",", "").replace("，", "")
    try:
        value = Decimal(repr(raw)) if isinstance(raw, float) else Decimal(text)
    except InvalidOperation:
        raise CellInvalid("quantity.invalid", gettext_noop("%(column)s must be a number")) from None
    if not value.is_finite() or value < 0 or value >= MAX_QUANTITY:
        raise CellInvalid("quantity.invalid", gettext_noop("%(column)s must be a number from 0 up"))
    return value.quantize(Decimal("0.0001"))


def check_row(
    values: Mapping[str, object],
    *,
    row: int,
    file: str,
    labels: Mapping[str, str],
    today: dt.date,
    categories: Mapping[str, str],
) -> tuple[CloudBillRow | None, list[ImportProblem]]:
    """One row's values by column key → the checked row, or its problems (then None)."""
    problems: list[ImportProblem] = []

    def refuse(key: str, msgid: str, /, **params: Any) -> None:
        problems.append(ImportProblem(file, row, labels.get(key, key), key, msgid, params))

    def present(key: str) -> bool:
        value = values.get(key)
        return value is not None and not is_blank(value)

    for key in REQUIRED:
        if not present(key):
            refuse(key, gettext_noop("This cell is empty."))
    parsed: dict[str, Any] = {}
    parsers: dict[str, Callable[[object], Any]] = {
        "credit_code": lambda raw: parse_code(raw, number_cells=False, length=18),
        "month": lambda raw: _parse_month(raw, today),
        "amount_cny": _parse_amount,
        "usage_quantity": _parse_quantity,
        "provider_name": lambda raw: " ".join(parse_text(raw, max_length=200).split()),
        "usage_unit": lambda raw: parse_text(raw, max_length=32),
    }
    for key, parse in parsers.items():
        if not present(key):
            continue
        try:
            parsed[key] = parse(values[key])
        except CellInvalid as error:
            refuse(key, error.message, **error.params)
    if present("service_category"):
        category = categories.get(normalize_header(values["service_category"]))
        if category is None:
            allowed = "、".join(f"{_in('zh-hans', label)}（{key}）" for key, label in ServiceCategory.choices)
            refuse(
                "service_category",
                gettext_noop("%(column)s is not recognised: use one of %(allowed)s"),
                allowed=allowed,
            )
        parsed["service_category"] = category
    currency = str(values.get("currency") or "").strip()
    if normalize_header(currency) not in YUAN:
        refuse(
            "currency",
            gettext_noop(
                "Funeng takes cloud bills in yuan (CNY) only, and this row is in %(currency)s: give the amount "
                "as invoiced in yuan, or leave the row out"
            ),
            currency=currency,
        )
    if problems:
        return None, problems
    return (
        CloudBillRow(
            row=row,
            credit_code=parsed["credit_code"],
            month=parsed["month"],
            provider_name=parsed.get("provider_name", ""),
            service_category=parsed["service_category"],
            amount_cny=parsed["amount_cny"],
            usage_quantity=parsed.get("usage_quantity"),
            usage_unit=parsed.get("usage_unit", ""),
        ),
        [],
    )


def check_rows(
    batch: Sequence[Mapping[str, object]],
    *,
    file: str,
    labels: Mapping[str, str],
    today: dt.date,
    first_row: int,
) -> tuple[list[CloudBillRow], list[ImportProblem]]:
    """Every row checked alone: the good rows and the problems of the others; row numbers count from first_row."""
    categories = category_lookup()
    rows: list[CloudBillRow] = []
    problems: list[ImportProblem] = []
    if len(batch) > MAX_ROWS_PER_IMPORT:
        return [], [
            ImportProblem(
                file,
                None,
                "",
                "",
                gettext_noop("The file has %(count)s rows; import at most %(limit)s at a time."),
                {"count": len(batch), "limit": MAX_ROWS_PER_IMPORT},
            )
        ]
    for offset, values in enumerate(batch):
        checked, found = check_row(
            values, row=first_row + offset, file=file, labels=labels, today=today, categories=categories
        )
        problems.extend(found)
        if checked is not None:
            rows.append(checked)
    return rows, problems


def read_cloud_bills(
    path: Path, filename: str, *, today: dt.date
) -> tuple[list[CloudBillRow], list[ImportProblem], dict[str, str]]:
    """The bill's good rows and every problem found in its headings and cells (no rows when a heading is wrong).

    The third item names each column as the file's heading does, for the problems found later; the
    good rows still go through the database checks, so one report lists everything to correct.
    """
    try:
        table = list(open_table(path, filename).rows())
    except FileInvalid as error:
        return [], [ImportProblem(filename, error.row, "", "", error.message, dict(error.params or {}))], {}
    if not table or all(is_blank(v) for v in table[0].values):
        return (
            [],
            [
                ImportProblem(
                    filename,
                    1,
                    "",
                    "",
                    gettext_noop("Row 1 should hold the headings of the cloud-bill template."),
                )
            ],
            {},
        )
    keys = _header_keys()
    columns: dict[str, int] = {}
    problems: list[ImportProblem] = []
    for index, cell in enumerate(table[0].values):
        if is_blank(cell):
            continue
        heading = str(cell).strip()
        key = keys.get(normalize_header(heading))
        if "万" in heading:
            problems.append(
                ImportProblem(
                    filename,
                    1,
                    heading,
                    "",
                    gettext_noop(
                        "This column is in 万元 (10,000 yuan), and the import takes yuan: convert the amounts to "
                        "yuan (multiply by 10000) and name the column 金额（元）."
                    ),
                )
            )
        elif key is None:
            problems.append(
                ImportProblem(
                    filename, 1, heading, "", gettext_noop("Unknown column: use the template's headings.")
                )
            )
        elif key in columns:
            problems.append(
                ImportProblem(filename, 1, heading, key, gettext_noop("The column appears twice."))
            )
        else:
            columns[key] = index
    if problems:
        return [], problems, {}
    for key in REQUIRED:
        if key not in columns:
            label = next(zh for k, zh, _en in COLUMNS if k == key)
            problems.append(ImportProblem(filename, 1, label, key, gettext_noop("This column is missing.")))
    if problems:
        return [], problems, {}
    labels = {key: str(table[0].values[index]).strip() for key, index in columns.items()}
    batch: list[dict[str, object]] = []
    numbers: list[int] = []
    for raw in table[1:]:
        if all(is_blank(v) for v in raw.values):
            continue
        cells = list(raw.values)
        batch.append({key: cells[index] if index < len(cells) else None for key, index in columns.items()})
        numbers.append(raw.number)
    if not batch:
        return (
            [],
            [ImportProblem(filename, None, "", "", gettext_noop("The file has no rows below its headings."))],
            labels,
        )
    rows, problems = check_rows(batch, file=filename, labels=labels, today=today, first_row=0)
    # check_rows numbered the rows 0…n-1; put back the file's own row numbers (blank rows skipped).
    rows = [_renumbered(row, numbers[row.row]) for row in rows]
    problems = [
        ImportProblem(
            p.file, numbers[p.row] if p.row is not None else None, p.column, p.key, p.msgid, p.params
        )
        for p in problems
    ]
    return rows, problems, labels


def _renumbered(row: CloudBillRow, number: int) -> CloudBillRow:
    return CloudBillRow(
        number,
        row.credit_code,
        row.month,
        row.provider_name,
        row.service_category,
        row.amount_cny,
        row.usage_quantity,
        row.usage_unit,
    )
