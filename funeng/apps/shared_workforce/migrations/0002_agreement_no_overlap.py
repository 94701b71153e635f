"""The database refuses two agreements holding one worker for overlapping days.

The service checks first (with the worker's row locked) and says why; this is the floor under it
for any other writer. PostgreSQL: an exclusion constraint over the worker and the date range
(btree_gist gives gist its = on integers). SQLite: triggers, which raise a constraint error.
"""

from django.db import migrations

HOLDING = "('proposed', 'worker_confirmed', 'active')"
TABLE = "shared_workforce_agreement"
NAME = "workforce_agreement_no_overlap"

SQLITE_CHECK = f"""
WHEN NEW.status IN {HOLDING} AND EXISTS (
    SELECT 1 FROM {TABLE} other
    WHERE other.worker_id = NEW.worker_id AND other.id IS NOT NEW.id AND other.status IN {HOLDING}
      AND other.starts_on <= NEW.ends_on AND NEW.starts_on <= other.ends_on
)
BEGIN SELECT RAISE(ABORT, '{NAME}'); END
"""
SQLITE_FORWARD = [
    f"CREATE TRIGGER {NAME}_insert BEFORE INSERT ON {TABLE} {SQLITE_CHECK}",
    f"CREATE TRIGGER {NAME}_update BEFORE UPDATE OF worker_id, starts_on, ends_on, status ON {TABLE} {SQLITE_CHECK}",
]
SQLITE_BACKWARD = [f"DROP TRIGGER IF EXISTS {NAME}_insert", f"DROP TRIGGER IF EXISTS {NAME}_update"]
POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    f"ALTER TABLE {TABLE} ADD CONSTRAINT {NAME} EXCLUDE USING gist "
    f"(worker_id WITH =, daterange(starts_on, ends_on, '[]') WITH &&) WHERE (status IN {HOLDING})",
]
POSTGRES_BACKWARD = [f"ALTER TABLE {TABLE} DROP CONSTRAINT IF EXISTS {NAME}"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("shared_workforce", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        )
    ]
