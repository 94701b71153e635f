"""Apps depend downward only: an import that runs back up the layers fails here.

The order, bottom to top (apps on one line are siblings and never import each other):

    core                              who a user acts for (Membership, Role), fields, code validators
    audit                             the trail every change writes, and its log
    tasks                             background work with progress, the worker, /healthz
    consents                          授权: data categories, grants, reads under consent
    enterprises                       the registry
    notifications                     messages to an enterprise (loan decisions, receivables), read state
    accounts                          users, enterprise registration, colleagues, invitations
    providers                         service providers: application, vetting
    library                           政策库: policy documents, clauses, measures, targets, rule links
    finance                           云量贷 evidence: cloud bills, digital investment (matching calls into it)
    assessment | policies | matching | shared_workforce | supply_chain | lending  the capabilities
    portals | api | demo              home pages and navigation, the REST API, demo data

Every import counts, also inside functions and `if TYPE_CHECKING:` blocks; migrations are
generated history and are left out.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.support.paths import ROOT

APPS = ROOT / "funeng" / "apps"
LAYERS: list[set[str]] = [
    {"core"},
    {"audit"},
    {"tasks"},
    {"consents"},
    {"enterprises"},
    {"notifications"},
    {"accounts"},
    {"providers"},
    {"library"},
    {"finance"},
    {"assessment", "policies", "matching", "shared_workforce", "supply_chain", "lending"},
    {"designations"},
    {"shared_manufacturing"},
    {"monitoring"},
    {"portals", "api", "demo"},
]
LEVEL = {app: level for level, apps in enumerate(LAYERS) for app in apps}
# Project modules an app may use: typed settings only (never the URL map or the CLI).
PROJECT_MODULES_ALLOWED = {"funeng.config"}


def _imports(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
            # `from funeng.apps import matching` names the app in the alias, not the module.
            if node.module == "funeng.apps":
                found += [(node.lineno, f"funeng.apps.{alias.name}") for alias in node.names]
    return found


def _violations(apps_dir: Path) -> list[str]:
    problems = []
    for path in sorted(apps_dir.rglob("*.py")):
        relative = path.relative_to(apps_dir)
        if "migrations" in relative.parts:
            continue
        app = relative.parts[0]
        for line, module in _imports(path):
            parts = module.split(".")
            if parts[0] != "funeng":
                continue
            where = f"{relative}:{line} imports {module}"
            if len(parts) < 3 or parts[1] != "apps":
                if module not in PROJECT_MODULES_ALLOWED and module != "funeng.apps":
                    problems.append(f"{where} (apps never import the project's URL map, CLI or settings)")
                continue
            other = parts[2]
            if other == app:
                continue
            if app not in LEVEL or other not in LEVEL:
                problems.append(f"{where} (an app missing from LAYERS)")
            elif LEVEL[other] == LEVEL[app]:
                problems.append(f"{where} (siblings on one layer stay independent)")
            elif LEVEL[other] > LEVEL[app]:
                problems.append(f"{where} (runs back up: {other} is above {app})")
    return problems


def test_it_places_every_app_in_a_layer():
    apps = {path.name for path in APPS.iterdir() if (path / "apps.py").exists()}
    assert apps == set(LEVEL)


def test_it_finds_no_import_that_runs_back_up():
    assert _violations(APPS) == []


@pytest.mark.parametrize(
    ("app", "source", "reason"),
    [
        ("enterprises", "from funeng.apps.matching.models import Need\n", "runs back up"),
        ("policies", "def f():\n    from funeng.apps.matching import services\n", "siblings"),
        (
            "core",
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import funeng.apps.audit\n",
            "runs back up",
        ),
        ("audit", "from funeng.urls import urlpatterns\n", "URL map"),
    ],
)
def test_it_reports_an_import_that_breaks_the_order(tmp_path, app, source, reason):
    for name in LEVEL:
        (tmp_path / name).mkdir()
        (tmp_path / name / "apps.py").write_text("", encoding="utf-8")
    (tmp_path / app / "bad.py").write_text(source, encoding="utf-8")
    problems = _violations(tmp_path)
    assert len(problems) == 1 and reason in problems[0]
