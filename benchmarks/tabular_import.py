"""Benchmark the enterprise import on a 100,000-row CSV and XLSX: validation alone, then a full import.

Run: .venv/bin/python benchmarks/tabular_import.py [--rows 100000] [--skip-write]

The files (the rows of tests/apps/enterprises/test_import_large.py; the XLSX with typed number and date cells) are
cached under var/bench/. Each run migrates a throwaway SQLite database, times a dry run (pass 1:
read and validate every row) and a full import (both passes and the writes, in one transaction),
in wall-clock and in CPU seconds.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from anywhere, installed or not
    sys.path.insert(0, str(ROOT))

# A throwaway database, so the benchmark never touches var/funeng.sqlite3.
os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp(prefix='funeng-bench-')}/bench.sqlite3"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "funeng.settings_test")

import django  # noqa: E402

django.setup()

import openpyxl  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from engines.reference.credit_code import check_character, org_code_check  # noqa: E402
from funeng.apps.audit.models import AuditEvent  # noqa: E402
from funeng.apps.enterprises.columns import COLUMNS  # noqa: E402
from funeng.apps.enterprises.importing import enterprises_import  # noqa: E402
from funeng.apps.enterprises.models import Enterprise  # noqa: E402

BENCH_DIR = ROOT / "var" / "bench"
INDUSTRIES = ("3911", "0111", "6513", "3484", "5212")
REGIONS = ("330106", "110105", "440300", "320500", "510100")


def credit_code(serial: int) -> str:
    """A valid 统一社会信用代码 (as tests/conftest.make_credit_code)."""
    body = f"{serial:08d}"
    first17 = "91330106" + body + org_code_check(body)
    return first17 + check_character(first17)


def write_csv(path: Path, rows: int) -> None:
    """The rows of tests/apps/enterprises/test_import_large.py: 8 of the 34 columns filled, every value as text."""
    width = len(COLUMNS)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([column.header_zh for column in COLUMNS])
        for number in range(1, rows + 1):
            row = [""] * width
            row[0] = credit_code(number)
            row[1] = f"批量测试企业{number:06d}有限公司"
            row[2] = INDUSTRIES[number % 5]
            row[3] = REGIONS[number % 5]
            row[4] = f"20{number % 24:02d}-0{1 + number % 9}-1{number % 10}"
            row[5] = str(5 + number % 500)
            row[6] = f"{1_000_000 + number * 137}.{number % 100:02d}"
            row[7] = str(2_000_000 + number)
            writer.writerow(row)


def write_xlsx(path: Path, rows: int) -> None:
    """The same rows as typed Excel cells (dates, numbers), text in the shared-strings table as Excel saves it."""
    workbook = openpyxl.Workbook()  # not write_only: that writes inline strings, which Excel never does
    sheet = workbook.active
    sheet.append([column.header_zh for column in COLUMNS])
    for number in range(1, rows + 1):
        row: list[object] = [None] * len(COLUMNS)
        row[0] = credit_code(number)
        row[1] = f"批量测试企业{number:06d}有限公司"
        row[2] = INDUSTRIES[number % 5]
        row[3] = REGIONS[number % 5]
        row[4] = dt.datetime(2000 + number % 24, 1 + number % 9, 10 + number % 10)
        row[5] = 5 + number % 500
        row[6] = 1_000_000 + number * 137 + (number % 100) / 100
        row[7] = 2_000_000 + number
        sheet.append(row)
    workbook.save(path)


def timed(path: Path, *, dry_run: bool) -> str:
    """Wall-clock and CPU seconds of one import: on a shared machine the CPU time is the steadier figure."""
    started, cpu = time.perf_counter(), time.process_time()
    report = enterprises_import(path=path, acting_user=None, dry_run=dry_run)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    assert report.ok, report.errors[:3]
    return f"{elapsed:5.1f} s (CPU {cpu:5.1f} s)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--skip-write", action="store_true", help="time the dry runs only")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    for suffix, writer in (("csv", write_csv), ("xlsx", write_xlsx)):
        path = BENCH_DIR / f"enterprises-{args.rows}.{suffix}"
        if not path.exists():
            writer(path, args.rows)
        validate = timed(path, dry_run=True)
        line = f"{suffix:4} {args.rows:,} rows: validate {validate}"
        if not args.skip_write:
            full = timed(path, dry_run=False)
            assert Enterprise.objects.count() == args.rows
            with connection.cursor() as cursor:  # audit events refuse delete(); this is a scratch database
                cursor.execute(f"DELETE FROM {AuditEvent._meta.db_table}")
                cursor.execute(f"DELETE FROM {Enterprise._meta.db_table}")
            line += f"; full import {full}"
        print(line, flush=True)


if __name__ == "__main__":
    main()
