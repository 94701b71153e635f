"""`funeng assessment_template --framework ID`: every question, option score, band and level rule."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from engines.maturity.template import framework_template
from funeng.apps.assessment.management.commands._cli import emit, framework_or_fail


class Command(BaseCommand):
    help = "Print a framework's questionnaire and level rules."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--framework", required=True, help="framework id, e.g. miit-2024-manufacturing")
        parser.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        template = framework_template(framework_or_fail(options["framework"]))
        if options["json"]:
            emit(template)
            return
        for q in template["questions"]:
            self.stdout.write(f"{q['id']}\t{q['dimension']}\t{q['type']}\t{q['text']['zh']}")
