"""One-off: fill `clause_id` into every citation of the programme files from the policy library.

    python scripts/library_link_citations.py [--check]

For each citation the most specific library clause holding the whole quote is chosen
(engines.library.links.find_clause), among the documents whose id starts with srdi-. The YAML is edited
as text so comments and layout stay; an existing clause_id is replaced. Unresolved quotes are listed
and the script exits 1.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from engines.library.links import find_clause  # noqa: E402
from engines.library.manifest import library_documents  # noqa: E402
from engines.rules.loader import PROGRAMMES_DIR  # noqa: E402

_BLOCK_QUOTE = re.compile(r"^(?P<indent>\s*)quote:\s")
_BLOCK_CLAUSE = re.compile(r"^\s*clause:\s")
_CLAUSE_ID = re.compile(r"^\s*clause_id:\s")
_FLOW = re.compile(r"citation:\s*(?P<map>\{.*\})\s*(?:#.*)?$")


def _value(line: str) -> str:
    data = yaml.safe_load(line.strip())
    return str(next(iter(data.values())))


def link_file(path: Path, documents: list, problems: list[str]) -> tuple[str, int]:
    lines = path.read_text(encoding="utf-8").split("\n")
    out: list[str] = []
    hint = ""
    linked = 0

    own = [
        d
        for d in documents
        if d.id == "srdi-2021-" + path.stem.removeprefix("srdi-").replace("-little-giant", "")
    ]

    def resolve(quote: str, clause: str, where: int) -> str:
        # The programme's own document first; a region that refers to the national text finds it there.
        found = find_clause(own, quote, clause) or find_clause(documents, quote, clause)
        if found is not None and not own or found is not None and found.id.split("/")[0] != own[0].id:
            print(f"{path.name}:{where}: {quote[:30]!r} ({clause}) -> {found.id}")
        if found is None:
            problems.append(f"{path.name}:{where}: no library clause holds {quote!r} ({clause})")
            return ""
        return found.id

    for n, line in enumerate(lines, 1):
        if _CLAUSE_ID.match(line):
            continue  # replaced below
        flow = _FLOW.search(line)
        if flow:
            data = yaml.safe_load(flow.group("map"))
            clause_id = resolve(data["quote"], data.get("clause", ""), n)
            body = re.sub(r",\s*clause_id:\s*[^,}]+", "", flow.group("map"))
            if clause_id:
                body = body[:-1] + f", clause_id: {clause_id}}}"
                linked += 1
            out.append(line[: flow.start("map")] + body + line[flow.end("map") :])
            continue
        out.append(line)
        if _BLOCK_CLAUSE.match(line):
            hint = _value(line.split("#")[0])
        m = _BLOCK_QUOTE.match(line)
        if m:
            clause_id = resolve(_value(line if "'" in line or '"' in line else line.split(" #")[0]), hint, n)
            if clause_id:
                out.append(f"{m.group('indent')}clause_id: {clause_id}")
                linked += 1
    return "\n".join(out), linked


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="report only; do not write")
    args = parser.parse_args()
    documents = [d for d in library_documents() if d.id.startswith("srdi-")]
    problems: list[str] = []
    for path in sorted(PROGRAMMES_DIR.glob("*.yaml")):
        text, linked = link_file(path, documents, problems)
        print(f"{path.name}: {linked} citations linked")
        if not args.check and text != path.read_text(encoding="utf-8"):
            path.write_text(text, encoding="utf-8")
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
