"""Atomic bulk import of enterprises from CSV (UTF-8, UTF-8 with BOM, GBK) or XLSX.

Reading and validating is engines.tabular's job (with the row model of rows.py); this module adds
what needs the database and writes. Two passes keep memory bounded whatever the file size: pass 1
streams every row through the validator and keeps only the credit codes (for duplicates) and a
capped list of problems; pass 2, only when nothing is wrong, re-reads the file and spools ready
rows (with their derived classes) to a temporary file, outside any transaction; then one short
transaction writes the spool in chunks of CHUNK_SIZE rows. On SQLite the write lock is held only
for the inserts, not for reading and checking the file, so people keep working during an import. Problems carry English msgids, translated here into the
active language (Chinese by default: the people fixing the files read Chinese); each keeps its
English code for programs and tests.
"""

from __future__ import annotations

import datetime as dt
import pickle
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, TypedDict

from django.db import IntegrityError, connection, reset_queries, transaction
from django.utils import timezone
from django.utils.translation import gettext

from engines.tabular import (
    FileInvalid,
    Problem,
    Table,
    TableReading,
    cell_name,
    gettext_noop,
    open_table,
    show,
)
from funeng.apps.audit.models import AuditAction, AuditEvent
from funeng.apps.audit.services import audit_events_prepared
from funeng.apps.core.bulk import PreparedInsert, ids_by, prepare_insert
from funeng.apps.core.db import planner_statistics_refresh
from funeng.apps.enterprises.classification import enterprises_apply_classes
from funeng.apps.enterprises.columns import COLUMN_BY_KEY
from funeng.apps.enterprises.models import Enterprise
from funeng.apps.enterprises.rows import ENTERPRISE_IMPORT, EnterpriseRow
from funeng.apps.tasks.progress import Progress

CHUNK_SIZE = 2000
MAX_STORED_ISSUES = 1000  # per list; every issue is still counted
_CREDIT_CODE = COLUMN_BY_KEY["credit_code"]


class Issue(TypedDict):
    """A problem as the report shows it: translated, for the page, the API and the CLI."""

    file: str
    row: int | None
    column: str | None  # header of the column (Chinese, as in the template)
    field: str | None  # Enterprise field of the column
    cell: str | None  # such as C7
    value: str
    key: str  # the problem's stable code
    message: str  # in the active language


def issue_of(problem: Problem) -> Issue:
    """The report entry of a problem, its message translated into the active language."""
    return {
        "file": problem.file,
        "row": problem.row,
        "column": problem.column,
        "field": problem.field,
        "cell": problem.cell,
        "value": problem.value,
        "key": problem.code,
        "message": problem.text(gettext),
    }


@dataclass
class ImportReport:
    """What an import did or would do: counts and the row/column/key of every problem."""

    filename: str
    dry_run: bool = False
    rows: int = 0  # non-blank data rows read
    created: int = 0
    errors: list[Issue] = field(default_factory=list)
    error_count: int = 0
    warnings: list[Issue] = field(default_factory=list)
    warning_count: int = 0

    @property
    def ok(self) -> bool:
        """True when the file has no error (warnings do not block)."""
        return self.error_count == 0

    def add(self, problems: list[Problem], *, warning: bool = False) -> None:
        """Count problems; keep (translated) the first MAX_STORED_ISSUES of each kind."""
        target = self.warnings if warning else self.errors
        if warning:
            self.warning_count += len(problems)
        else:
            self.error_count += len(problems)
        room = MAX_STORED_ISSUES - len(target)
        if room > 0:
            target.extend(issue_of(problem) for problem in problems[:room])

    def summary(self) -> str:
        """One line for the CLI and the page."""
        if not self.ok:
            return f"{self.filename}: errors {self.error_count}, rows {self.rows}; nothing was written"
        if self.dry_run:
            return (
                f"{self.filename}: dry run, rows valid {self.rows}, created 0 (nothing written), "
                f"warnings {self.warning_count}"
            )
        return f"{self.filename}: created {self.created}, warnings {self.warning_count}"


def issue_line(issue: Issue) -> str:
    """A report line a person can act on: where, what key, why, and the value found."""
    where = issue["file"]
    if issue["row"]:
        where = gettext("%(file)s row %(row)s") % {"file": where, "row": issue["row"]}
    if issue["column"]:
        where = gettext("%(place)s “%(column)s”") % {"place": where, "column": issue["column"]}
    if issue["cell"]:
        where += f" ({issue['cell']})"
    value = "  " + gettext("value: %(value)s") % {"value": issue["value"]} if issue["value"] else ""
    return f"{where} [{issue['key']}] {issue['message']}{value}"


FILE_CHANGED = gettext_noop("The file changed during the import: close other programs and import it again")


def _credit_code_problem(
    reading: TableReading[EnterpriseRow],
    row: int,
    code: str,
    message: str,
    /,
    *,
    value: str,
    **params: str | int,
) -> Problem:
    """A problem of the credit code in one row (duplicates in the file, codes already registered)."""
    index = reading.layout.index_of("credit_code")
    return Problem(
        file=reading.file,
        row=row,
        code=code,
        message=message,
        params=params,
        column=_CREDIT_CODE.header_zh,
        field=_CREDIT_CODE.key,
        cell=cell_name(index, row) if index is not None else None,
        value=show(value),
    )


# ---------------------------------------------------------------- the service


def enterprises_import(
    *,
    path: Path,
    filename: str | None = None,
    acting_user: Any,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Validate every row of a CSV/XLSX file, then create all enterprises in one transaction, or none."""
    path = Path(path)
    filename = filename or path.name
    progress = progress or Progress()
    report = ImportReport(filename=filename, dry_run=dry_run)
    try:
        table = open_table(path, filename)
        reading, codes = _validate(table, filename, report, progress)
        if report.ok:
            _check_existing(codes, reading, report)
        del codes  # pass 2 needs none of it
        if report.ok and not dry_run:
            # Pass 2 reads the file again and writes: twice the rows counted for the progress bar.
            progress.update(report.rows, 2 * report.rows, gettext_noop("Preparing the rows"))
            with tempfile.TemporaryFile() as spool:
                _prepare(table, filename, report, spool, progress, acting_user)
                progress.update(2 * report.rows - 1, 2 * report.rows, gettext_noop("Writing to the registry"))
                _store(spool, report)
            progress.update(2 * report.rows, 2 * report.rows, gettext_noop("Written"))
    except FileInvalid as exc:
        report.add([exc.problem(filename)])
    report.errors.sort(key=lambda issue: issue["row"] or 0)
    report.warnings.sort(key=lambda issue: issue["row"] or 0)
    return report


def _validate(
    table: Table, filename: str, report: ImportReport, progress: Progress
) -> tuple[TableReading[EnterpriseRow], dict[str, int]]:
    """Pass 1: stream every row through the validator; keep only credit codes and problems."""
    reading = ENTERPRISE_IMPORT.read(table, file=filename, today=timezone.localdate())
    report.add(reading.problems)
    codes: dict[str, int] = {}
    credit_index = reading.layout.index_of("credit_code")
    progress.update(0, None, gettext_noop("Checking every row"))
    for result in reading.rows():
        report.rows += 1
        if report.rows % CHUNK_SIZE == 0:
            progress.update(report.rows)
        report.add(result.warnings, warning=True)
        report.add(result.errors)
        if credit_index is None:
            continue
        number = result.number
        code = result.row.credit_code if result.row else _loose_code(result.cell(credit_index))
        first = codes.setdefault(code, number) if code else number
        if first != number:
            report.add(
                [
                    _credit_code_problem(
                        reading,
                        number,
                        "credit_code.duplicate_in_file",
                        gettext_noop(
                            "This unified social credit code already appears in row %(first)s: each "
                            "enterprise may appear only once"
                        ),
                        first=first,
                        value=code,
                    )
                ]
            )
    return reading, codes


def _loose_code(value: object) -> str:
    """The credit code of a row with errors, so duplicates are still found among bad rows."""
    return value.strip().upper() if isinstance(value, str) else ""


def _check_existing(
    codes: dict[str, int], reading: TableReading[EnterpriseRow], report: ImportReport
) -> None:
    """Credit codes already in the registry are errors: import only creates."""
    pending = list(codes)
    for start in range(0, len(pending), CHUNK_SIZE):
        batch = pending[start : start + CHUNK_SIZE]
        existing = Enterprise.objects.filter(credit_code__in=batch).values_list("credit_code", flat=True)
        report.add(
            [
                _credit_code_problem(
                    reading,
                    codes[code],
                    "credit_code.exists",
                    gettext_noop(
                        "An enterprise with this unified social credit code is already in the registry: bulk "
                        "import only adds enterprises. Delete this row, or edit the enterprise on its page"
                    ),
                    value=code,
                )
                for code in existing
            ]
        )


def _audit_changes(fields: dict[str, Any]) -> dict[str, list[Any]]:
    return {
        key: [None, value.isoformat() if isinstance(value, dt.date) else str(value)]
        for key, value in fields.items()
        if value is not None and value != ""
    }


def _prepare(
    table: Table, filename: str, report: ImportReport, spool: IO[bytes], progress: Progress, acting_user: Any
) -> None:
    """Pass 2, outside any transaction: re-read the file, build the rows and their classes, spool them."""
    reading = ENTERPRISE_IMPORT.read(table, file=filename, today=timezone.localdate())
    # Only the file's columns are set, so a column left out keeps the model's default.
    keys = [heading.key for _, heading in reading.layout.columns]
    batch: list[dict[str, Any]] = []
    count = 0
    for result in reading.rows():
        if result.errors or result.row is None:
            raise FileInvalid("file.changed", FILE_CHANGED)
        batch.append({key: getattr(result.row, key) for key in keys})
        if len(batch) >= CHUNK_SIZE:
            count += _spool(batch, spool, acting_user)
            progress.update(report.rows + count)
            batch = []
    count += _spool(batch, spool, acting_user)
    if count != report.rows:
        raise FileInvalid("file.changed", FILE_CHANGED)
    spool.seek(0)


def _spool(batch: list[dict[str, Any]], spool: IO[bytes], acting_user: Any) -> int:
    """Build one chunk's rows, classes and audit rows, ready to insert, and append them to the spool."""
    if not batch:
        return 0
    enterprises = [Enterprise(**fields) for fields in batch]
    enterprises_apply_classes(enterprises)
    events = audit_events_prepared(
        actor=acting_user,
        action=AuditAction.IMPORT,
        objects=(
            (enterprise, _audit_changes(fields))
            for enterprise, fields in zip(enterprises, batch, strict=True)
        ),
    )
    chunk = SpooledChunk(
        enterprises=prepare_insert(Enterprise, enterprises),
        credit_codes=[enterprise.credit_code for enterprise in enterprises],
        events=prepare_insert(AuditEvent, events),
    )
    # The spool is this process's own temporary file, read back a moment later: pickle is safe here.
    pickle.dump(chunk, spool)
    return len(batch)


@dataclass
class SpooledChunk:
    """Up to CHUNK_SIZE enterprises and their audit rows, as database-ready values."""

    enterprises: PreparedInsert
    credit_codes: list[str]
    events: PreparedInsert


def _store(spool: IO[bytes], report: ImportReport) -> None:
    """Write the spooled rows in one transaction: every enterprise of the file, or none."""
    created = 0
    try:
        with transaction.atomic():
            while True:
                try:
                    chunk = pickle.load(spool)  # noqa: S301  (our own temporary file, see _spool)
                except EOFError:
                    break
                created += _insert(chunk)
            planner_statistics_refresh(Enterprise, AuditEvent)
    except IntegrityError:
        raise FileInvalid(
            "db.conflict",
            gettext_noop(
                "Someone added an enterprise with the same unified social credit code during the import: "
                "nothing was written; import the file again"
            ),
        ) from None
    report.created = created


def _insert(chunk: SpooledChunk) -> int:
    """Insert one chunk; the audit rows learn their enterprises' new ids first."""
    inserted = chunk.enterprises.execute()
    ids = ids_by(Enterprise, "credit_code", chunk.credit_codes)
    events = chunk.events
    object_id, enterprise_id = events.column_index("object_id"), events.column_index("enterprise_id")
    occurred_at = events.column_index("occurred_at")
    now = AuditEvent._meta.get_field("occurred_at").get_db_prep_save(timezone.now(), connection)
    for row, code in zip(events.rows, chunk.credit_codes, strict=True):
        row[object_id], row[enterprise_id], row[occurred_at] = str(ids[code]), ids[code], now
    events.execute()
    # With DEBUG on, Django keeps every SQL string; a 200,000-row import would hold them all.
    reset_queries()
    return inserted
