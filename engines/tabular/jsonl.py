"""Text-line files: JSON Lines (one object a line) and any line-based format such as TSV."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from engines.tabular.problems import FileInvalid, Problem, gettext_noop


def text_lines(path: Path) -> Iterator[tuple[int, str]]:
    """(line number, text) of every non-blank line of a UTF-8 file (a BOM is allowed)."""
    try:
        content = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise FileInvalid("file.missing", gettext_noop("no such file")) from None
    except UnicodeDecodeError:
        raise FileInvalid("file.encoding", gettext_noop("not UTF-8 text")) from None
    except OSError as exc:
        raise FileInvalid(
            "file.unreadable", gettext_noop("cannot be read (%(error)s)"), error=str(exc.strerror)
        ) from None
    for number, line in enumerate(content.splitlines(), start=1):
        if line.strip():
            yield number, line


def json_objects(path: Path, problems: list[Problem]) -> Iterator[tuple[int, dict[str, object]]]:
    """(line number, object) of every line that holds a JSON object; any other line adds a problem."""
    for number, line in text_lines(path):
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(
                Problem(
                    file=path.name,
                    row=number,
                    code="line.json",
                    message=gettext_noop("not valid JSON (%(error)s, column %(column)s)"),
                    params={"error": exc.msg, "column": exc.colno},
                    unit="line",
                )
            )
            continue
        if not isinstance(data, dict):
            problems.append(
                Problem(
                    file=path.name,
                    row=number,
                    code="line.not_object",
                    message=gettext_noop("expected a JSON object"),
                    unit="line",
                )
            )
            continue
        yield number, data
