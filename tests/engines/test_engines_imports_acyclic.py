"""Engine modules import each other without cycles: checked on the source, every import statement counts.

An import inside a function or under `if TYPE_CHECKING:` still ties two modules together (the one
runs late, the other only for the type checker), so both count: a layer that needs a name from
above it should receive an object typed by a Protocol instead.
"""

import ast
from pathlib import Path

from tests.support.paths import ROOT

PACKAGE = "engines"


def _module_names(root: Path, package: str) -> dict[str, Path]:
    """Dotted module name → file, for every .py file of the package (a package is its __init__)."""
    names = {}
    for path in (root / package).rglob("*.py"):
        parts = path.relative_to(root).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        names[".".join(parts)] = path
    return names


def _target(name: str, modules: dict[str, Path]) -> str | None:
    """The module an imported dotted name lives in (its longest known prefix), None outside the package."""
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def import_graph(root: Path, package: str = PACKAGE) -> dict[str, set[str]]:
    """Module → the package modules it imports, from every import statement anywhere in its file."""
    modules = _module_names(root, package)
    graph: dict[str, set[str]] = {}
    for module, path in modules.items():
        here = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
        targets: set[str | None] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            if isinstance(node, ast.Import):
                targets.update(_target(alias.name, modules) for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:  # relative: from . import x / from ..y import z
                    anchor = here[: len(here) - node.level + 1]
                    base = ".".join([*anchor, *([node.module] if node.module else [])])
                for alias in node.names:
                    # `from engines.match import text` imports the submodule text, not the package
                    submodule = f"{base}.{alias.name}"
                    targets.add(submodule if submodule in modules else _target(base, modules))
        graph[module] = {t for t in targets if t is not None and t != module}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every elementary import cycle, each starting at its smallest module name, sorted."""
    found: set[tuple[str, ...]] = set()

    def walk(start: str, module: str, path: list[str]) -> None:
        for imported in sorted(graph.get(module, ())):
            if imported == start:
                found.add(tuple(path))
            elif imported > start and imported not in path:
                walk(start, imported, [*path, imported])

    for start in sorted(graph):
        walk(start, start, [start])
    return [[*cycle, cycle[0]] for cycle in sorted(found)]


def test_it_finds_engine_modules_and_their_imports():
    graph = import_graph(ROOT)
    assert len(graph) >= 30
    assert "engines.match.model" in graph["engines.match.rank"]


def test_it_finds_no_import_cycle_among_engine_modules():
    assert [" → ".join(cycle) for cycle in cycles(import_graph(ROOT))] == []


def _write(root: Path, files: dict[str, str]) -> None:
    for name, source in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source, encoding="utf-8")


def test_it_reports_a_cycle_closed_inside_a_function_body(tmp_path):
    _write(
        tmp_path,
        {
            "engines/__init__.py": "",
            "engines/a/__init__.py": "",
            "engines/a/low.py": "def late():\n    from engines.a import high\n    return high\n",
            "engines/a/high.py": "from engines.a.low import late\n",
        },
    )
    assert cycles(import_graph(tmp_path)) == [["engines.a.high", "engines.a.low", "engines.a.high"]]


def test_it_reports_a_cycle_closed_under_type_checking_and_through_relative_imports(tmp_path):
    _write(
        tmp_path,
        {
            "engines/__init__.py": "",
            "engines/a/__init__.py": "",
            "engines/a/one.py": "from . import two\n",
            "engines/a/two.py": "from .three import X\n",
            "engines/a/three.py": (
                "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from engines.a.one import Y\nX = 1\n"
            ),
        },
    )
    assert cycles(import_graph(tmp_path)) == [
        ["engines.a.one", "engines.a.two", "engines.a.three", "engines.a.one"]
    ]


def test_it_accepts_imports_that_only_run_downwards(tmp_path):
    _write(
        tmp_path,
        {
            "engines/__init__.py": "",
            "engines/a/__init__.py": "from engines.a.high import run\n",
            "engines/a/low.py": "import math\n",
            "engines/a/high.py": "from engines.a import low\nimport engines.a.low\n",
        },
    )
    assert cycles(import_graph(tmp_path)) == []
