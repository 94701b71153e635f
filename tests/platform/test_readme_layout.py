"""The README's layout section is the one scripts/readme_layout.py generates from the tree."""

from __future__ import annotations

import runpy

from tests.support.paths import ROOT


def test_the_readme_layout_is_generated_from_the_tree():
    layout = runpy.run_path(str(ROOT / "scripts" / "readme_layout.py"))["layout"]()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"```\n{layout}\n```" in readme, (
        "run `python scripts/readme_layout.py` and paste it into README.md"
    )


def test_every_app_and_engine_says_what_it_is_for():
    layout = runpy.run_path(str(ROOT / "scripts" / "readme_layout.py"))["layout"]()
    assert all(line.split(maxsplit=1)[1:] for line in layout.splitlines())
