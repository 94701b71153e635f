"""Split a cleaned policy text into its clause tree by the numbering layers of Chinese government documents."""

from __future__ import annotations

import re

from engines.library.model import Clause

# Layer rank: a lower rank is a higher layer; a new clause closes every open clause of equal or lower rank.
_RANK = {"part": 0, "article": 0, "box": 0, "section": 1, "item": 2, "subitem": 3, "point": 4}
_CN = "一二三四五六七八九十百零〇"
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("part", re.compile(rf"^(第[{_CN}\d]+章)")),
    ("article", re.compile(rf"^(第[{_CN}\d]+条)")),
    ("box", re.compile(r"^(专栏\s*\d+)")),
    ("part", re.compile(rf"^([{_CN}]+)、")),
    ("section", re.compile(rf"^[(（]([{_CN}]+)[)）]")),
    ("subitem", re.compile(r"^[(（](\d+)[)）]")),
    # "1.5亿" is a number, not an item: the mark must not be followed by a digit.
    ("item", re.compile(r"^(\d{1,2})[.．、](?!\d)")),
    ("point", re.compile(r"^([①-⑳])")),
)
_HEADING_END = re.compile(r"[。：:]")


def _label_key(kind: str, label: str) -> str:
    if kind in ("section", "subitem"):
        return f"({label})"
    return re.sub(r"\s+", "", label)


def _match(line: str) -> tuple[str, str, str] | None:
    """Return (kind, normalised label, printed label) for a numbered line."""
    for kind, pattern in _PATTERNS:
        m = pattern.match(line)
        if m:
            return kind, _label_key(kind, m.group(1)), m.group(0)
    return None


def _heading(kind: str, body: str) -> str:
    body = body.strip()
    if kind in ("part", "box"):
        return body.split("\n", 1)[0].strip()
    m = _HEADING_END.search(body)
    if m and m.start() <= 30:
        return body[: m.start()].strip()
    first = body.split("\n", 1)[0].strip()
    return first if len(first) <= 30 else ""


def split_clauses(doc_id: str, text: str) -> tuple[Clause, ...]:
    """Return the clauses of `text` in document order; offsets point into `text`."""
    # (kind, path, label, start) for each clause start
    starts: list[tuple[str, tuple[str, ...], str, int, int]] = []
    stack: list[tuple[int, tuple[str, ...]]] = []  # (rank, path)
    pos = 0
    for line in text.splitlines(keepends=True):
        stripped = line.lstrip()
        found = _match(stripped)
        if found:
            kind, key, printed = found
            rank = _RANK[kind]
            while stack and stack[-1][0] >= rank:
                stack.pop()
            path = (stack[-1][1] if stack else ()) + (key,)
            stack.append((rank, path))
            lead = len(line) - len(stripped)
            starts.append((kind, path, printed, pos + lead, len(printed)))
        pos += len(line)
    clauses: list[Clause] = []
    seen: dict[str, int] = {}
    ids: dict[tuple[str, ...], str] = {}
    first = starts[0][3] if starts else len(text)
    if text[:first].strip():
        end = len(text[:first].rstrip())
        lead = len(text[:first]) - len(text[:first].lstrip())
        cid = f"{doc_id}/序"
        seen[cid] = 1
        clauses.append(Clause(cid, ("序",), "", "preamble", "", text[lead:end], lead, end))
    for i, (kind, path, printed, start, label_len) in enumerate(starts):
        stop = starts[i + 1][3] if i + 1 < len(starts) else len(text)
        end = start + len(text[start:stop].rstrip())
        cid = f"{doc_id}/" + "/".join(path)
        if cid in seen:
            seen[cid] += 1
            cid = f"{cid}~{seen[cid]}"
        else:
            seen[cid] = 1
        ids[path] = cid
        parent = ids.get(path[:-1]) if len(path) > 1 else None
        body = text[start + label_len : end]
        clauses.append(
            Clause(
                cid, path, printed.strip(), kind, _heading(kind, body), text[start:end], start, end, parent
            )
        )
    return tuple(clauses)
