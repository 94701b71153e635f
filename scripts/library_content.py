"""Regenerate engines/library/content/texts/*.txt from the seed texts by the manifest's line ranges.

    python scripts/library_content.py [--seeds /work/shared/seeds] [--check]

Deterministic: the same seeds and manifest give byte-identical texts. Page numbers and the magazine's
running heads (数  志 / 政策专篇) are dropped, so are the `drop` lines of an entry; the rest is copied
unchanged. --check only compares and reports; it also lists seed lines no entry accounts for.
Not needed at runtime (the texts are committed).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from engines.library.ingest import _html_to_text  # noqa: E402
from engines.library.manifest import DEFAULT, ManifestEntry, load_manifest  # noqa: E402

SEEDS = Path("/work/shared/seeds")
_FURNITURE = re.compile(r"\d{1,4}|数志|政策专篇")


def _is_furniture(line: str) -> bool:
    return bool(_FURNITURE.fullmatch(re.sub(r"\s+", "", line)))


def render(entry: ManifestEntry, seed_lines: list[str]) -> str:
    """The text of one entry: its ranges in order, furniture and dropped lines removed."""
    dropped = {n for a, b in entry.drop for n in range(a, b + 1)}
    kept: list[str] = []
    for first, last in entry.lines:
        for n in range(first, last + 1):
            line = seed_lines[n - 1].rstrip()
            if n in dropped or _is_furniture(line):
                continue
            kept.append(line)
    text = "\n".join(kept)
    if entry.html:
        text = _html_to_text(text)
        text = "\n".join(line.strip() for line in text.split("\n"))
    lines = text.split("\n")
    if entry.start_at:  # keep from the first line that reads exactly start_at
        lines = lines[[line.strip() for line in lines].index(entry.start_at) :]
    if entry.stop_at:  # and up to (not including) the first line that reads exactly stop_at
        lines = lines[: [line.strip() for line in lines].index(entry.stop_at)]
    text = "\n".join(lines)
    text = re.sub(r"\n{3,}", "\n\n", text).strip("\n")
    return text + "\n"


def uncovered(manifest: Path, seeds: Path) -> list[str]:
    """Non-blank, non-furniture seed lines that no entry (document, editorial, not_taken) accounts for."""
    data = yaml.safe_load(manifest.read_text(encoding="utf-8"))
    covered: dict[str, set[int]] = {}
    for item in [*data["documents"], *data.get("not_taken", [])]:
        lines = covered.setdefault(item["seed"], set())
        for a, b in item["lines"]:
            overlap = lines & set(range(a, b + 1))
            if overlap:
                print(
                    f"{item['seed']}: lines {min(overlap)}–{max(overlap)} accounted for twice",
                    file=sys.stderr,
                )
            lines |= set(range(a, b + 1))
    out = []
    for name, count in data["seeds"].items():
        seed_lines = (seeds / name).read_text(encoding="utf-8").splitlines()
        if len(seed_lines) != count:
            out.append(f"{name}: has {len(seed_lines)} lines, the manifest says {count}")
        for n, line in enumerate(seed_lines, 1):
            if n not in covered.get(name, set()) and line.strip() and not _is_furniture(line):
                out.append(f"{name}:{n}: {line[:40]}")
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=Path, default=SEEDS)
    parser.add_argument("--manifest", type=Path, default=DEFAULT)
    parser.add_argument("--check", action="store_true", help="compare only; exit 1 on a difference")
    args = parser.parse_args()
    texts = args.manifest.parent / "texts"
    texts.mkdir(exist_ok=True)
    # Texts may not exist yet: load the manifest with placeholders so its checks still run.
    data = yaml.safe_load(args.manifest.read_text(encoding="utf-8"))
    for item in data["documents"]:
        if not item.get("editorial") and not (texts / f"{item['id']}.txt").exists():
            (texts / f"{item['id']}.txt").write_text("", encoding="utf-8")
    differ = 0
    for entry in load_manifest(args.manifest):
        if entry.editorial or entry.text_path is None:
            continue
        seed_lines = (args.seeds / entry.source).read_text(encoding="utf-8").splitlines()
        text = render(entry, seed_lines)
        if entry.text_path.read_text(encoding="utf-8") != text:
            differ += 1
            print(f"{'differs' if args.check else 'wrote'}: {entry.text_path.relative_to(ROOT)}")
            if not args.check:
                entry.text_path.write_text(text, encoding="utf-8")
    for problem in uncovered(args.manifest, args.seeds):
        print(f"not accounted for: {problem}")
    return 1 if args.check and differ else 0


if __name__ == "__main__":
    raise SystemExit(main())
