"""`funeng classify_de`: digital-economy classes (NBS 2021) of a GB/T 4754 class; provisional."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from engines.classify import digital_economy_class
from engines.reference.errors import UnknownCodeError
from funeng.apps.enterprises.management.commands._cli import emit, fail_usage


class Command(BaseCommand):
    help = "List the NBS 2021 digital-economy classes of a GB/T 4754-2017 class (mapping is provisional)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--industry", required=True, help="GB/T 4754-2017 class, e.g. 6513")
        parser.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = digital_economy_class(options["industry"])
        except UnknownCodeError as exc:
            fail_usage(str(exc))
        lines = [f"{m.code} {m.name}{' (partial)' if m.partial else ''}" for m in result.classes]
        text = "\n".join(lines or ["no digital-economy class"]) + "\n(provisional mapping)"
        emit(result.as_dict(), as_json=options["json"], text=text)
