"""A 200,000-row import finishes in one transaction with bounded memory."""

from __future__ import annotations

import csv
import resource
import time

import pytest
from django.db import connection

from funeng.apps.audit.models import AuditAction, AuditEvent
from funeng.apps.enterprises.models import Enterprise
from tests.apps.enterprises.test_import_cli import HEADER, run_import
from tests.conftest import make_credit_code

ROWS = 200_000
# Holding the rows as dicts or model objects would take well over 1 GB; two streaming passes need
# the credit codes (about 30 MB for 200,000) and one 2,000-row chunk. Peak RSS is measured rather
# than tracemalloc, which makes this test five times slower; the test database itself may live in
# memory (SQLite), so its size is subtracted.
IMPORTER_MEMORY_LIMIT = 150 * 2**20
INDUSTRIES = ("3911", "0111", "6513", "3484", "5212")
REGIONS = ("330106", "110105", "440300", "320500", "510100")


def _in_memory_database_bytes() -> int:
    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        return 0
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA page_count")
        pages = cursor.fetchone()[0]
        cursor.execute("PRAGMA page_size")
        return pages * cursor.fetchone()[0]


def _write_large_csv(path):
    width = len(HEADER)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for number in range(1, ROWS + 1):
            row = [""] * width
            row[0] = make_credit_code(serial=number)
            row[1] = f"批量测试企业{number:06d}有限公司"
            row[2] = INDUSTRIES[number % 5]
            row[3] = REGIONS[number % 5]
            row[4] = f"20{number % 24:02d}-0{1 + number % 9}-1{number % 10}"
            row[5] = str(5 + number % 500)
            row[6] = f"{1_000_000 + number * 137}.{number % 100:02d}"
            row[7] = str(2_000_000 + number)
            writer.writerow(row)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_it_imports_200000_rows_streaming_with_bounded_memory(tmp_path):
    path = tmp_path / "large.csv"
    _write_large_csv(path)

    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    started = time.perf_counter()
    code, out, err = run_import(path)
    elapsed = time.perf_counter() - started
    growth = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak_before) * 1024
    in_memory_db = _in_memory_database_bytes()

    print(
        f"\n200,000-row import: {elapsed:.1f} s; peak RSS grew {growth / 2**20:.0f} MiB, "
        f"of which {in_memory_db / 2**20:.0f} MiB is the in-memory test database"
    )
    assert code == 0, err[:2000]
    assert out.strip() == f"large.csv: created {ROWS}, warnings 0"
    assert Enterprise.objects.count() == ROWS
    assert AuditEvent.objects.filter(action=AuditAction.IMPORT).count() == ROWS
    assert growth - in_memory_db < IMPORTER_MEMORY_LIMIT


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_it_writes_nothing_when_the_last_of_200000_rows_is_bad(tmp_path):
    path = tmp_path / "large.csv"
    _write_large_csv(path)
    with path.open("a", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerow([make_credit_code(serial=ROWS + 1), "最后一行", "9999", "330106"])

    code, _, err = run_import(path)

    assert code == 1
    assert f"第 {ROWS + 2} 行「行业代码」" in err and "[industry_code.unknown]" in err
    assert Enterprise.objects.count() == 0 and AuditEvent.objects.count() == 0
