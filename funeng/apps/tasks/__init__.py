"""Background tasks with progress (django-tasks, `funeng worker`), /healthz, backup and restore commands."""
