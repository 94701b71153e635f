"""The `funeng` console script: Django's manage.py under the project's own name."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    """Run a management command, e.g. `funeng migrate` or `funeng classify_size ...`."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "funeng.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else ["funeng", *argv])
    args[0] = "funeng"
    execute_from_command_line(args)


if __name__ == "__main__":
    main()
