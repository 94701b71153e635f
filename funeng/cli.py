"""The `funeng` console script: Django's manage.py under the project's own name."""

from __future__ import annotations

import os
import sys

# Commands that touch no database and no secret run without Django, so they need no SECRET_KEY.
STANDALONE = {
    "batch_run": "funeng.batch_cli:main",
    "schedule_fjsp": "funeng.schedule_cli:main",
    "credit_fit": "funeng.credit_cli:fit_main",
    "credit_score": "funeng.credit_cli:score_main",
    "credit_monitor": "funeng.credit_cli:monitor_main",
}
# Commands that serve people or run their work keep the strict rule: SECRET_KEY must be set
# (DEBUG aside). Every other command is a one-off process on this machine that signs nothing a
# browser will send back, so it runs with a throwaway key instead of refusing to start.
NEEDS_SECRET_KEY = frozenset({"runserver", "worker", "check", "collectstatic"})


def main(argv: list[str] | None = None) -> None:
    """Run a management command, e.g. `funeng migrate` or `funeng classify_size ...`."""
    args = list(sys.argv if argv is None else ["funeng", *argv])
    args[0] = "funeng"
    if len(args) > 1 and args[1] in STANDALONE:
        from importlib import import_module

        module, function = STANDALONE[args[1]].split(":")
        raise SystemExit(getattr(import_module(module), function)(args[2:]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "funeng.settings")
    command = args[1] if len(args) > 1 else "help"
    if command not in NEEDS_SECRET_KEY:
        os.environ.setdefault("FUNENG_THROWAWAY_SECRET_KEY", "1")

    from funeng.config import ConfigError

    try:
        from django.core.management import execute_from_command_line

        execute_from_command_line(args)
    except ConfigError as error:
        # A missing or malformed setting is one line naming it, never a traceback.
        print(f"funeng: configuration error: {error} (see README.md, Configuration)", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
