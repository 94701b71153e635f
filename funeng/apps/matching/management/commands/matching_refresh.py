"""`funeng matching_refresh`: re-rank every open need against the current catalogue (engine batch path)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from funeng.apps.matching.services import needs_rank_all


class Command(BaseCommand):
    help = "Re-rank all open needs and store their top matches (run after large catalogue changes)."

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        count = needs_rank_all()
        self.stdout.write(f"ranked {count} open needs in {time.perf_counter() - started:.2f} s")
