"""Print the README's layout block from the tree: each engine's and app's own docstring, first line.

Run: python scripts/readme_layout.py   (tests/platform/test_readme_layout.py checks the README matches)
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Bottom to top, as tests/platform/test_app_layers.py orders them.
APP_ORDER = [
    "core", "audit", "tasks", "consents", "enterprises", "notifications", "accounts", "providers", "library", "finance",
    "assessment", "policies", "matching", "shared_workforce", "supply_chain", "lending", "designations", "shared_manufacturing", "monitoring",
    "portals", "api", "demo",
]  # fmt: skip
WIDTH = 20


def _summary(package: Path) -> str:
    doc = ast.get_docstring(ast.parse((package / "__init__.py").read_text(encoding="utf-8"))) or ""
    return doc.strip().splitlines()[0] if doc.strip() else ""


def _line(name: str, text: str) -> str:
    return f"{name:<{max(WIDTH, len(name) + 1)}}{text}".rstrip()


def layout() -> str:
    """The layout block, without the fences."""
    lines = [_line("engines/", "pure Python, never imports Django (tests/engines/test_engines_are_pure.py)")]
    for package in sorted(p for p in (ROOT / "engines").iterdir() if (p / "__init__.py").exists()):
        lines.append(_line(f"  {package.name}/", _summary(package)))
    lines.append(
        _line("funeng/", "the Django project: settings, URLs, the `funeng` command (cli.py, batch_cli.py)")
    )
    apps = {p.name for p in (ROOT / "funeng" / "apps").iterdir() if (p / "apps.py").exists()}
    missing = apps - set(APP_ORDER)
    if missing:
        raise SystemExit(f"add {', '.join(sorted(missing))} to APP_ORDER")
    for name in APP_ORDER:
        lines.append(_line(f"  apps/{name}", _summary(ROOT / "funeng" / "apps" / name)))
    lines.append(
        _line("  locale/zh_Hans", "the Simplified Chinese catalog (the default language; msgids are English)")
    )
    lines.append(
        _line(
            "benchmarks/", "speed figures against the issues' targets (make bench, make bench-spark, load.py)"
        )
    )
    lines.append(
        _line("docs/", "benchmarks.md (figures with date and machine), scale.md (a national batch run)")
    )
    lines.append(
        _line("scripts/", "system packages, PostgreSQL for tests, serving with the worker, this layout")
    )
    lines.append(
        _line(
            "tests/", "engines/, apps/<app>/, platform/ (layers, access, GET walk, i18n), browser/; support/"
        )
    )
    return "\n".join(lines)


if __name__ == "__main__":
    sys.stdout.write(layout() + "\n")
