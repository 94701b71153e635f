"""`funeng assessment_frameworks`: the assessment frameworks this instance ships."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from engines.maturity import shipped_frameworks
from engines.maturity.template import framework_summary
from funeng.apps.assessment.management.commands._cli import emit


class Command(BaseCommand):
    help = "List assessment frameworks (id, name, version)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        summaries = [framework_summary(f) for f in shipped_frameworks().values()]
        if options["json"]:
            emit(summaries)
            return
        for item in summaries:
            self.stdout.write(f"{item['id']}\t{item['version']}\t{item['name']}")
