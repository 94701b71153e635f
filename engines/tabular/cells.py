"""Typed cell parsers: text, codes, counts, money, dates, choices, ratios and yes/no, as people type them.

Each parser takes a cell as a reader returns it (text from CSV; text, numbers, booleans or
datetimes from XLSX), returns the typed value or raises CellInvalid, and reports doubtful but
accepted values as CellWarning. Blank cells never reach a parser: the row validator turns them
into the field's default, or a required.missing problem.

Each parser also has a pydantic annotation (Text, Code, Count, Money, Date, Choice, Ratio, YesNo),
so a row model declares its fields as `Annotated[Decimal | None, Money()]`. Messages name the
column as %(column)s; the row validator fills it in with the column's header.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import GetCoreSchemaHandler, ValidationInfo
from pydantic_core import CoreSchema, core_schema

from engines.tabular.headers import normalize_header
from engines.tabular.problems import CellInvalid, CellWarning, gettext_noop

INT_LIMIT = 2_147_483_647  # the largest PositiveIntegerField on PostgreSQL
MONEY_LIMIT = Decimal(10) ** 16  # 16 integer digits: DecimalField(max_digits=18, decimal_places=2)
_CENT = Decimal("0.01")
# CSV export puts a ' before text starting with = + - @ so Excel does not run it as a formula.
_QUOTED = ("'=", "'+", "'-", "'@")
_INTEGER = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)")
_DECIMAL = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?")
_PLAIN_DECIMAL = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
_DATE = re.compile(
    r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]00:00(?::00)?)?|(\d{4})年(\d{1,2})月(\d{1,2})日"
)
_YES_NO = {
    normalize_header(text): meaning
    for meaning, texts in (
        (True, ("是", "有", "y", "yes", "true", "1")),
        (False, ("否", "无", "n", "no", "false", "0")),
    )
    for text in texts
}


@dataclass
class RowContext:
    """What parsers may know about the row they read, and where they leave their warnings."""

    strip_quote_prefix: bool = False  # the file is CSV, whose export quotes formula-like text
    today: dt.date | None = None  # for checks such as "a founding date is not in the future"
    # (field, warning, value it is about): warnings of single cells, and doubts about the whole row.
    cell_warnings: list[tuple[str | None, CellWarning, object]] = field(default_factory=list)
    row_warnings: list[tuple[str | None, CellWarning, object]] = field(default_factory=list)
    # (field, refusal, value): values each valid alone that contradict each other (a model validator's).
    row_errors: list[tuple[str | None, CellInvalid, object]] = field(default_factory=list)

    def refuse(self, field_name: str | None, error: CellInvalid, value: object) -> None:
        """Refuse the row (from a model validator) at a field, with its value: the row is not imported."""
        self.row_errors.append((field_name, error, value))

    def warn(self, field_name: str | None, warning: CellWarning, value: object) -> None:
        """Record a doubt about the row (from a model validator), placed at a field, with its value."""
        self.row_warnings.append((field_name, warning, value))


def row_context(info: ValidationInfo) -> RowContext:
    """The RowContext a validation runs with; a bare one when validated without (e.g. in a test)."""
    context = info.context
    return context if isinstance(context, RowContext) else RowContext()


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _number_text(raw: str) -> str:
    """Amount text without grouping spaces, full-width commas, ¥ or a trailing 元."""
    text = raw.strip().replace("，", ",").replace(" ", "").replace("\u00a0", "")
    return text.removeprefix("¥").removeprefix("￥").removesuffix("元")


# ---------------------------------------------------------------- parsers


def parse_text(raw: object, *, max_length: int | None = None, strip_quote_prefix: bool = False) -> str:
    """Text, trimmed; a whole number from Excel loses its .0; the ' an export adds before = + - @ goes."""
    if strip_quote_prefix and isinstance(raw, str) and raw.startswith(_QUOTED):
        raw = raw[1:]
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    text = str(raw).strip()
    if max_length and len(text) > max_length:
        raise CellInvalid(
            "too_long",
            gettext_noop("%(column)s takes at most %(limit)s characters; it has %(length)s"),
            per_field=True,
            limit=max_length,
            length=len(text),
        )
    return text


def parse_code(
    raw: object,
    *,
    pad_to: int | None = None,
    number_cells: bool = True,
    length: int | None = None,
    warnings: list[CellWarning] | None = None,
) -> str:
    """A code as text, upper-cased; from a number cell, leading zeros Excel dropped come back (pad_to).

    number_cells=False refuses a number cell outright: Excel keeps 15 significant digits, so a long
    code typed as a number (length digits) has already lost its end.
    """
    if isinstance(raw, bool | dt.date | dt.time | dt.timedelta):
        raise CellInvalid("format", gettext_noop("%(column)s must be a text code"), per_field=True)
    if isinstance(raw, int | float):
        if not number_cells:
            raise CellInvalid(
                "numeric_cell",
                gettext_noop(
                    "%(column)s is a number in Excel, and %(length)s-digit numbers lose precision there: "
                    "format the column as text and fill it in again"
                ),
                per_field=True,
                length=length or 0,
            )
        if isinstance(raw, float) and not raw.is_integer():
            raise CellInvalid(
                "format",
                gettext_noop("%(column)s must be a whole-number code, without decimals"),
                per_field=True,
            )
        code = str(int(raw))
        if pad_to and len(code) < pad_to:
            code = code.zfill(pad_to)
            if warnings is not None:
                warnings.append(
                    CellWarning(
                        "zero_padded",
                        gettext_noop(
                            "%(column)s was a number in Excel; its leading zeros were restored as %(code)s. "
                            "Format the column as text"
                        ),
                        {"code": code},
                        per_field=True,
                    )
                )
        return code
    return str(raw).strip().upper()


def parse_count(raw: object, *, limit: int = INT_LIMIT, minimum: int = 0) -> int:
    """A whole number from minimum (0 unless given; a rank starts at 1) to limit: 12, 12.0, "1,200" or "1200.00"."""
    number: int
    if isinstance(raw, bool):
        raise CellInvalid("number.invalid", gettext_noop("%(column)s must be a whole number"))
    if isinstance(raw, int):
        number = raw
    elif isinstance(raw, float):
        if not math.isfinite(raw) or not raw.is_integer():
            raise CellInvalid(
                "number.not_whole", gettext_noop("%(column)s must be a whole number, without decimals")
            )
        number = int(raw)
    elif isinstance(raw, str):
        text = _number_text(raw)
        if _INTEGER.fullmatch(text):
            number = int(text.replace(",", ""))
        elif _DECIMAL.fullmatch(text):
            value = Decimal(text.replace(",", ""))
            if value != value.to_integral_value():
                raise CellInvalid(
                    "number.not_whole", gettext_noop("%(column)s must be a whole number, without decimals")
                )
            number = int(value)
        else:
            raise CellInvalid("number.invalid", gettext_noop("%(column)s must be a number"))
    else:
        raise CellInvalid("number.invalid", gettext_noop("%(column)s must be a number"))
    if number < 0:
        raise CellInvalid("number.negative", gettext_noop("%(column)s cannot be negative"))
    if number < minimum:
        raise CellInvalid(
            "number.too_small", gettext_noop("%(column)s must be %(minimum)s or more"), minimum=minimum
        )
    if number > limit:
        raise CellInvalid(
            "number.too_large", gettext_noop("%(column)s is above the limit of %(limit)s"), limit=f"{limit:,}"
        )
    return number


def parse_money(raw: object, *, signed: bool = False) -> Decimal:
    """An amount in yuan to the fen: 1234.5, "1,234.50", "¥1234.50元"; 万 is refused, never guessed."""
    if isinstance(raw, bool):
        raise CellInvalid("number.invalid", gettext_noop("%(column)s must be an amount in yuan"))
    if isinstance(raw, int):
        value = Decimal(raw)
    elif isinstance(raw, float):
        if not math.isfinite(raw):
            raise CellInvalid("number.invalid", gettext_noop("%(column)s must be an amount in yuan"))
        # The shortest decimal that reads back as this float: 1234.5, not 1234.49999999999997…
        value = Decimal(repr(raw))
    elif isinstance(raw, Decimal):  # no reader returns one; a row model built in code may pass one
        if not raw.is_finite():
            raise CellInvalid("number.invalid", gettext_noop("%(column)s must be an amount in yuan"))
        value = raw
    elif isinstance(raw, str):
        text = _number_text(raw)
        if "万" in text:
            raise CellInvalid(
                "money.wan_unit",
                gettext_noop(
                    "%(column)s is in yuan and cannot be given in 万 (10,000 yuan): convert it to yuan "
                    "(multiply by 10000)"
                ),
            )
        if not _DECIMAL.fullmatch(text):
            raise CellInvalid(
                "number.invalid",
                gettext_noop("%(column)s must be an amount in yuan, such as 1234.50 or 1,234.50"),
            )
        try:
            value = Decimal(text.replace(",", ""))
        except InvalidOperation:
            raise CellInvalid(
                "number.invalid", gettext_noop("%(column)s must be an amount in yuan")
            ) from None
    else:
        raise CellInvalid("number.invalid", gettext_noop("%(column)s must be an amount in yuan"))
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2 and value != value.quantize(_CENT):
        raise CellInvalid(
            "money.precision", gettext_noop("%(column)s takes at most two decimals (to the fen)")
        )
    if value < 0 and not signed:
        raise CellInvalid("number.negative", gettext_noop("%(column)s cannot be negative"))
    if abs(value) >= MONEY_LIMIT:
        raise CellInvalid(
            "number.too_large", gettext_noop("%(column)s is above the limit (16 integer digits)")
        )
    return value.quantize(_CENT)


def parse_date(raw: object) -> dt.date:
    """A date: an Excel date cell (at midnight), 2015-06-30, 2015/6/30, 2015.6.30 or 2015年6月30日."""
    if isinstance(raw, dt.datetime):
        if raw.time() != dt.time(0, 0):
            raise CellInvalid("date.invalid", gettext_noop("%(column)s takes a date only, without a time"))
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
            raise CellInvalid("date.invalid", gettext_noop("%(column)s is not a valid date")) from None
    raise CellInvalid(
        "date.invalid",
        gettext_noop("%(column)s must be a date as YYYY-MM-DD (such as 2015-06-30) or an Excel date cell"),
    )


def choice_lookup(choices: tuple[tuple[str, str], ...]) -> dict[str, str]:
    """Every accepted spelling of a choice (its code or its label, compared loosely) → its code."""
    return {normalize_header(code): code for code, _ in choices} | {
        normalize_header(label): code for code, label in choices
    }


def parse_choice(
    raw: object, *, choices: tuple[tuple[str, str], ...], lookup: dict[str, str] | None = None
) -> str:
    """One code of (code, label) choices, given as the code or the label."""
    code = (lookup if lookup is not None else choice_lookup(choices)).get(normalize_header(raw))
    if code is None:
        raise CellInvalid(
            "invalid",
            gettext_noop("%(column)s is not recognised: use one of %(allowed)s, or leave it blank"),
            per_field=True,
            allowed="、".join(f"{code}（{label}）" for code, label in choices),
        )
    return code


def percent_text(value: Decimal) -> str:
    """0.05 → 5%."""
    return format(value.scaleb(2).normalize(), "f") + "%"


def parse_ratio(
    raw: object,
    *,
    places: int,
    bounds: tuple[int, int] = (0, 1),
    warnings: list[CellWarning] | None = None,
) -> Decimal:
    """A ratio as a decimal: 0.05, or 5% (text, or an Excel percent cell, which holds 0.05)."""
    unit = Decimal(1).scaleb(-places)
    percent = False
    if isinstance(raw, bool):
        raise _ratio_invalid()
    if isinstance(raw, int):
        value = Decimal(raw)
    elif isinstance(raw, float):
        if not math.isfinite(raw):
            raise _ratio_invalid()
        value = Decimal(repr(raw))  # an Excel percent cell: 5% is stored as 0.05
    elif isinstance(raw, Decimal):  # no reader returns one; a row model built in code may pass one
        if not raw.is_finite():
            raise _ratio_invalid()
        value = raw
    elif isinstance(raw, str):
        text = raw.strip().replace(" ", "").replace("\u00a0", "").replace("％", "%")
        percent = text.endswith("%")
        text = text.removesuffix("%")
        if not _PLAIN_DECIMAL.fullmatch(text):
            raise _ratio_invalid()
        value = Decimal(text)
        if percent:
            value = value.scaleb(-2)
    else:
        raise _ratio_invalid()
    if value != value.quantize(unit):
        raise CellInvalid(
            "ratio.precision",
            gettext_noop("%(column)s takes at most %(places)s decimals (%(percent_places)s as a percentage)"),
            places=places,
            percent_places=places - 2,
        )
    low, high = bounds
    if not low <= value <= high:
        raise CellInvalid(
            "ratio.out_of_range",
            gettext_noop(
                "%(column)s must be between %(low_percent)s%% and %(high_percent)s%% (that is, %(low)s to %(high)s)"
            ),
            low_percent=low * 100,
            high_percent=high * 100,
            low=low,
            high=high,
        )
    if not percent and abs(value) >= 1 and warnings is not None:
        # 5 typed for 5% reads as 500%: a plain number this large is allowed but worth a second look.
        warnings.append(
            CellWarning(
                "ratio.large_plain_number",
                gettext_noop(
                    "%(column)s holds the decimal %(value)s, that is %(percent)s: if you meant %(value)s%%, "
                    "write %(value)s%% or %(fraction)s"
                ),
                {"value": str(value), "percent": percent_text(value), "fraction": str(value.scaleb(-2))},
            )
        )
    return value.quantize(unit)


def _ratio_invalid() -> CellInvalid:
    return CellInvalid(
        "ratio.invalid", gettext_noop("%(column)s must be a decimal or a percentage, such as 0.05 or 5%%")
    )


def parse_yes_no(raw: object) -> bool:
    """是/否, 有/无, Y/N, yes/no, true/false, 1/0, or an Excel TRUE/FALSE cell."""
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int | float) and raw in (0, 1):
        return bool(raw)
    meaning = _YES_NO.get(normalize_header(raw))
    if meaning is None:
        raise CellInvalid(
            "invalid",
            gettext_noop("%(column)s must be 是 (yes) or 否 (no); leave it blank when unknown"),
            per_field=True,
        )
    return meaning


# ---------------------------------------------------------------- pydantic annotations


class CellType:
    """A pydantic annotation that validates a field with a parser.

    A subclass implements convert() when the value alone decides, or parse() when it needs the
    row's context or may warn (then it sets needs_context). The split is for speed: a context-free
    cell costs pydantic one plain call, which matters at 30 cells a row and 100,000 rows a file.
    """

    needs_context = False

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        if self.needs_context:
            return core_schema.with_info_plain_validator_function(self._validate)
        return core_schema.no_info_plain_validator_function(self.convert)

    def _validate(self, raw: object, info: ValidationInfo) -> object:
        context = row_context(info)
        warnings: list[CellWarning] = []
        value = self.parse(raw, context, warnings)
        for warning in warnings:
            context.cell_warnings.append((info.field_name, warning, raw))
        return value

    def convert(self, raw: object) -> object:
        """The typed value of a non-blank cell; raises CellInvalid."""
        raise NotImplementedError

    def parse(self, raw: object, context: RowContext, warnings: list[CellWarning]) -> object:
        """The typed value of a non-blank cell, knowing its row; raises CellInvalid, may add warnings."""
        return self.convert(raw)


@dataclass(frozen=True)
class Text(CellType):
    """Free text of at most max_length characters."""

    max_length: int | None = None
    needs_context = True  # an export's quote before = + - @ is removed from CSV only

    def parse(self, raw: object, context: RowContext, warnings: list[CellWarning]) -> str:
        return parse_text(raw, max_length=self.max_length, strip_quote_prefix=context.strip_quote_prefix)


@dataclass(frozen=True)
class Code(CellType):
    """A code such as an industry or region code; `check` raises CellInvalid for a code not in its table."""

    pad_to: int | None = None
    number_cells: bool = True
    length: int | None = None
    check: Callable[[str], None] | None = None
    needs_context = True  # restoring leading zeros warns

    def parse(self, raw: object, context: RowContext, warnings: list[CellWarning]) -> str:
        code = parse_code(
            raw, pad_to=self.pad_to, number_cells=self.number_cells, length=self.length, warnings=warnings
        )
        if self.check is not None:
            self.check(code)
        return code


@dataclass(frozen=True)
class Count(CellType):
    """A whole number from 0 (or a given minimum) up."""

    limit: int = INT_LIMIT
    minimum: int = 0

    def convert(self, raw: object) -> int:
        return parse_count(raw, limit=self.limit, minimum=self.minimum)


@dataclass(frozen=True)
class Money(CellType):
    """An amount in yuan, to the fen; negative only when signed (a loss)."""

    signed: bool = False

    def convert(self, raw: object) -> Decimal:
        return parse_money(raw, signed=self.signed)


@dataclass(frozen=True)
class Date(CellType):
    """A calendar date."""

    def convert(self, raw: object) -> dt.date:
        return parse_date(raw)


@dataclass(frozen=True)
class Choice(CellType):
    """One of a fixed set of codes, given as the code or its label; blank is allowed."""

    choices: tuple[tuple[str, str], ...]
    lookup: dict[str, str] = field(init=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "lookup", choice_lookup(self.choices))

    def convert(self, raw: object) -> str:
        return parse_choice(raw, choices=self.choices, lookup=self.lookup)


@dataclass(frozen=True)
class Ratio(CellType):
    """A ratio as a decimal within bounds, given as 0.05 or 5%."""

    places: int
    bounds: tuple[int, int] = (0, 1)
    needs_context = True  # a large plain number warns

    def parse(self, raw: object, context: RowContext, warnings: list[CellWarning]) -> Decimal:
        return parse_ratio(raw, places=self.places, bounds=self.bounds, warnings=warnings)


@dataclass(frozen=True)
class YesNo(CellType):
    """是 or 否 (and their usual spellings); blank means unknown."""

    def convert(self, raw: object) -> bool:
        return parse_yes_no(raw)
