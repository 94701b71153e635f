"""Engines never import Django: checked on the source, not by convention."""

import ast
from pathlib import Path

from tests.support.paths import ROOT

ENGINES = ROOT / "engines"


def _imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_it_finds_engine_modules_to_check():
    assert len(list(ENGINES.rglob("*.py"))) >= 8


def test_it_keeps_django_and_the_platform_out_of_engines():
    offenders = {
        str(path.relative_to(ENGINES)): sorted(
            name for name in _imported_modules(path) if name.split(".")[0] in {"django", "funeng", "ninja"}
        )
        for path in ENGINES.rglob("*.py")
    }
    assert {path: names for path, names in offenders.items() if names} == {}


def test_it_detects_a_django_import_when_one_is_present(tmp_path):
    sample = tmp_path / "bad.py"
    sample.write_text("from django.db import models\nimport os\n", encoding="utf-8")
    assert "django.db" in _imported_modules(sample)
