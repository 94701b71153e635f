"""`funeng demo_region`: fill an empty registry with a synthetic demo region, or write it to Parquet."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import polars as pl
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from funeng.apps.audit.models import AuditEvent
from funeng.apps.audit.services import audit_created_many
from funeng.apps.core.db import planner_statistics_refresh
from funeng.apps.demo.assessments import DEMO_PDF, demo_assessments_create
from funeng.apps.demo.designations import demo_designations_create
from funeng.apps.demo.generator import generate_enterprises
from funeng.apps.demo.manufacturing import demo_manufacturing_create
from funeng.apps.demo.matching import demo_matching_create
from funeng.apps.demo.monitoring import demo_monitoring_create
from funeng.apps.demo.policies import demo_policies_create
from funeng.apps.demo.users import DEMO_PASSWORD, demo_users_create
from funeng.apps.demo.workforce import demo_workforce_create
from funeng.apps.enterprises.classification import enterprises_apply_classes
from funeng.apps.enterprises.fields import MONEY_FIELDS
from funeng.apps.enterprises.models import Enterprise

# Same fields as enterprise_create, so a demo row's audit reads like any other creation.
from funeng.apps.enterprises.services import AUDITED_FIELDS
from funeng.apps.finance.demo import load_demo_evidence
from funeng.apps.lending.demo import load_demo_lending
from funeng.apps.library.content import library_load_seeds
from funeng.apps.matching.const import DealStatus
from funeng.apps.matching.models import Deal
from funeng.apps.supply_chain.demo import load_demo_supply_chain

CHUNK = 2000


class Command(BaseCommand):
    help = "Generate a synthetic demo region (Zhejiang, with a slice of Jiangsu) into an empty database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--enterprises", type=int, default=5000, help="number of enterprises (default 5000)"
        )
        parser.add_argument(
            "--seed", type=int, default=1, help="random seed; the same seed gives the same region"
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing (exit 0) when the registry already has enterprises",
        )
        parser.add_argument(
            "--parquet",
            metavar="FILE",
            type=Path,
            help="write the generated enterprises to this Parquet file instead of the database",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        count: int = options["enterprises"]
        seed: int = options["seed"]
        if count < 1:
            raise CommandError("--enterprises must be at least 1.")
        if options["parquet"] is not None:
            self._write_parquet(options["parquet"], count, seed)
            return

        # The library is content, not generated data: loaded on every run, stored only when changed.
        started = time.perf_counter()
        stored = sum(1 for outcome in library_load_seeds() if outcome.changed)
        if stored:
            self.stdout.write(
                f"policy library: stored {stored} documents in {time.perf_counter() - started:.2f} s"
            )
        existing = Enterprise.objects.count()
        if existing:
            if options["if_empty"]:
                return
            raise CommandError(
                f"The registry already has {existing} enterprises; demo_region only fills an empty database. "
                "Start from a fresh database (remove it and run `funeng migrate`), "
                "or pass --if-empty to skip quietly."
            )

        started = time.perf_counter()
        frame = generate_enterprises(count, seed)
        generated = time.perf_counter()
        self.stdout.write(f"generated {count} enterprises (seed {seed}) in {generated - started:.2f} s")

        written = self._write_database(frame)
        self.stdout.write(
            f"wrote {written} enterprises with classes and audit rows in {time.perf_counter() - generated:.2f} s"
        )
        self._write_assessments(seed)
        self._demo_login()
        self.stdout.write(demo_matching_create(seed=seed).summary())
        started = time.perf_counter()
        runs = demo_policies_create()
        self.stdout.write(f"stored {runs} 免申即享 policy runs in {time.perf_counter() - started:.2f} s")
        started = time.perf_counter()
        entries = demo_designations_create(seed=seed)
        started_manufacturing = time.perf_counter()
        manufacturing = demo_manufacturing_create(seed=seed)
        self.stdout.write(f"{manufacturing.summary()} in {time.perf_counter() - started_manufacturing:.2f} s")
        confirmed = demo_monitoring_create()
        self.stdout.write(
            f"stored {entries} designation entries and {confirmed} confirmed monitoring targets "
            f"with platform figures in {time.perf_counter() - started:.2f} s"
        )
        self.stdout.write(f"stored {demo_workforce_create(seed=seed)} shared-workforce agreements")
        self.stdout.write(load_demo_supply_chain(seed).summary())
        self.stdout.write(
            load_demo_evidence(
                seed,
                list(Enterprise.objects.filter(region_code__startswith="33").order_by("pk")),
                Deal.objects.filter(status=DealStatus.DELIVERED).select_related("provider").order_by("pk"),
                invoice_pdf=DEMO_PDF,
            ).summary()
        )
        started = time.perf_counter()
        lending = load_demo_lending(seed)
        self.stdout.write(f"{lending.summary()} in {time.perf_counter() - started:.2f} s")

    def _write_parquet(self, path: Path, count: int, seed: int) -> None:
        started = time.perf_counter()
        frame = generate_enterprises(count, seed)
        generated = time.perf_counter()
        path.parent.mkdir(parents=True, exist_ok=True)
        frame.write_parquet(path)
        self.stdout.write(
            f"generated {count} enterprises (seed {seed}) in {generated - started:.2f} s; "
            f"wrote {path} in {time.perf_counter() - generated:.2f} s"
        )

    @transaction.atomic
    def _write_database(self, frame: pl.DataFrame) -> int:
        # Money goes in as Decimal with two places, exactly what the DecimalFields store.
        frame = frame.with_columns(pl.col(c).cast(pl.Decimal(18, 2)) for c in MONEY_FIELDS)
        written = 0
        for chunk in frame.iter_slices(CHUNK):
            # The generator builds valid codes by construction (tests check every one), so rows
            # skip full_clean: its per-row uniqueness query would dominate the run.
            enterprises = [Enterprise(**row) for row in chunk.iter_rows(named=True)]
            enterprises_apply_classes(enterprises)
            Enterprise.objects.bulk_create(enterprises, batch_size=CHUNK)
            if any(e.pk is None for e in enterprises):
                raise CommandError("The database did not return primary keys for bulk inserts; cannot audit.")
            written += audit_created_many(actor=None, objects=enterprises, fields=AUDITED_FIELDS)
        planner_statistics_refresh(Enterprise, AuditEvent)
        return written

    def _write_assessments(self, seed: int) -> None:
        started = time.perf_counter()
        counts = demo_assessments_create(seed=seed)
        self.stdout.write(
            f"wrote {counts.assessments} assessments ({counts.reassessed} re-assessments, "
            f"{counts.evidence} answers with evidence) in {time.perf_counter() - started:.2f} s"
        )

    def _demo_login(self) -> None:
        if not settings.DEBUG:
            self.stdout.write("DEBUG is off: no demo logins were created; use `funeng createsuperuser`.")
            return
        self.stdout.write(f"logins (DEBUG only, password {DEMO_PASSWORD}):")
        for login in demo_users_create():
            self.stdout.write(f"  {login.username:<18} {login.description}")
