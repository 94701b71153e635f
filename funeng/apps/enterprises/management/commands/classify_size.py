"""`funeng classify_size`: size class (划型) of one enterprise, with the deciding rule."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from engines.classify import size_class
from engines.reference.errors import UnknownCodeError
from funeng.apps.enterprises.management.commands._cli import emit, fail_usage


def _number(name: str, raw: str | None) -> Decimal | None:
    if raw is None:
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        fail_usage(f"--{name} {raw!r} is not a number")
    if not value.is_finite() or value < 0:
        fail_usage(f"--{name} {raw!r} must be a finite, non-negative number")
    return value


class Command(BaseCommand):
    help = "Classify one enterprise as large/medium/small/micro (工信部联企业〔2011〕300号); money in CNY."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--industry", required=True, help="GB/T 4754-2017 class, e.g. 3911")
        parser.add_argument("--employees", help="从业人员 (persons)")
        parser.add_argument("--revenue", help="营业收入 in CNY")
        parser.add_argument("--assets", help="资产总额 in CNY")
        parser.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        employees = _number("employees", options["employees"])
        if employees is not None and employees != employees.to_integral_value():
            fail_usage(f"--employees {options['employees']!r} must be a whole number")
        try:
            result = size_class(
                options["industry"],
                None if employees is None else int(employees),
                _number("revenue", options["revenue"]),
                _number("assets", options["assets"]),
            )
        except UnknownCodeError as exc:
            fail_usage(str(exc))
        emit(result.as_dict(), as_json=options["json"], text=f"{result.size_class}: {result.explanation}")
