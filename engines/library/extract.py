"""Read numbered measures (with responsible units) and numeric targets out of an ingested Document."""

from __future__ import annotations

import re
from decimal import Decimal

from engines.library.model import Clause, Document, Measure, Target

_UNITS = re.compile(r"[(（]\s*(?:责任单位|牵头单位|责任部门)\s*[:：]\s*([^)）]*)[)）]")
_UNIT_NOTE = re.compile(r"[。.;；]?\s*列第一位的为牵头单位.*$")
_TASK_PART = re.compile(r"主要任务|重点任务|重点工作")
_YEAR = re.compile(r"(?:到|至|截至)\s*(20\d{2})\s*年|(20\d{2})\s*年(?:前|底|末)")
_MULT = {
    "万亿": Decimal(10) ** 12,
    "亿": Decimal(10) ** 8,
    "万": Decimal(10) ** 4,
    "千": Decimal(1000),
    "": Decimal(1),
}
_BASE_UNITS = "元|家|个|人次|人|台|套|项|所|户|座|条|种|款|次|件|张|吨|公里|千米|平方米|亩|场|批|类|名|位"
_NUMBER = re.compile(
    rf"(?P<num>\d+(?:\.\d+)?)\s*(?:(?P<pct>%|％)|(?P<mult>万亿|亿|万|千)?(?P<unit>{_BASE_UNITS}))"
)
_GE = ("以上", "超过", "不少于", "不低于", "达到", "突破", "达", "力争", "超")
_LE = ("以下", "不超过", "不高于", "以内")
_APPROX = ("左右", "约")
_FRAGMENT = re.compile(r"[^,，;；。]+")


def _split_units(listing: str) -> tuple[str, ...]:
    listing = _UNIT_NOTE.sub("", listing).strip()
    # 和 joins two units only when a new unit name follows; 省文化和旅游厅 is one unit.
    parts = re.split(r"[、,，;；]|和(?=[省市县区国中人])", listing)
    return tuple(p.strip() for p in parts if p.strip())


def _descendants(doc: Document, clause: Clause) -> list[Clause]:
    prefix = clause.id + "/"
    return [c for c in doc.clauses if c.id.startswith(prefix)]


def extract_measures(doc: Document) -> list[Measure]:
    """Return the numbered measures with their responsible units, in document order."""
    by_id = {c.id: c for c in doc.clauses}
    items = [c for c in doc.clauses if c.kind == "item"]
    targets = extract_targets(doc)
    found: list[Measure] = []
    with_units = False
    for item in items:
        family = [item, *_descendants(doc, item)]
        text = "\n".join(c.text for c in family)
        m = _UNITS.search(text)
        units = _split_units(m.group(1)) if m else ()
        with_units = with_units or bool(units)
        ancestors = []
        parent = item.parent
        while parent:
            ancestors.append(by_id[parent])
            parent = by_id[parent].parent
        under_tasks = any(_TASK_PART.search(a.heading) for a in ancestors)
        ids = {c.id for c in family}
        own = tuple(t for t in targets if t.clause_id in ids)
        no = int(re.sub(r"\D", "", item.path[-1]) or 0)
        found.append(Measure(no, item.id, item.heading, units, own) if units or under_tasks else None)  # type: ignore[arg-type]
    measures = [m for m in found if m is not None]
    if with_units:
        return [m for m in measures if m.units]
    return measures


def _op(before: str, after: str) -> str:
    if after.startswith(_LE) or before.endswith(("不超过", "不高于", "低于")):
        return "<="
    if after.startswith(_APPROX) or before.endswith("约"):
        return "~"
    if after.startswith(("以上",)) or before.endswith(_GE):
        return ">="
    return "="


def _what(before: str, after: str, is_pct: bool) -> str:
    if is_pct:
        # "数字经济核心产业增加值占GDP比重达到10%": the subject precedes the number.
        subject = re.sub(
            r"(力争|达到|超过|突破|不低于|不少于|提高到|提升至|提升到|达|为|到|在)+$", "", before
        )
        subject = re.sub(r"^.*?(?:20\d{2}\s*年(?:前|底|末)?)\s*[,，]?", "", subject)
        return subject.strip(" ,，:：")
    tail = re.sub(r"^(以上|左右|以下|以内)", "", after)
    tail = re.sub(r"^[(（][^)）]{0,6}[)）]", "", tail)  # "20个(家)车间": the bracket restates the unit
    m = re.match(r"[^,，;；。、(（]+", tail)
    what = m.group(0) if m else ""
    if not what.strip():
        subject = re.sub(r"(力争|达到|超过|突破|不低于|不少于|达|为|到)+$", "", before)
        subject = re.sub(r"^.*?(?:到|至)?\s*20\d{2}\s*年(?:前|底|末)?\s*[,，]?", "", subject)
        return re.split(r"[、]", subject)[-1].strip(" ,，")
    return what.strip().removeprefix("的")


def extract_targets(doc: Document) -> list[Target]:
    """Return every numeric target with a target year, in document order, clause_id set."""
    out: list[Target] = []
    for clause in doc.clauses:
        text = _UNITS.sub("", clause.text)
        clause_year: int | None = None
        for sentence in re.split(r"(?<=[。；;])", text):
            sentence_year = None
            pieces = list(_FRAGMENT.finditer(sentence))
            for piece in pieces:
                frag = piece.group(0)
                ym = _YEAR.search(frag)
                if ym:
                    sentence_year = int(ym.group(1) or ym.group(2))
                    clause_year = sentence_year
                year = sentence_year or clause_year
                if year is None:
                    continue
                for nm in _NUMBER.finditer(frag):
                    before, after = frag[: nm.start()], frag[nm.end() :]
                    if re.search(r"[A-Za-z+]$", before) or re.match(r"[A-Za-z+]", after):
                        continue  # 5G, 1+N
                    is_pct = bool(nm.group("pct"))
                    value = Decimal(nm.group("num")) * (
                        Decimal(1) if is_pct else _MULT[nm.group("mult") or ""]
                    )
                    value = value.normalize() if value == value.to_integral() else value
                    if value == value.to_integral():
                        value = value.quantize(Decimal(1))
                    raw = frag.strip()
                    if not _YEAR.search(raw) and sentence_year is not None:
                        # Keep the year phrase in raw when the sentence states it in an earlier fragment.
                        first = next((p for p in pieces if _YEAR.search(p.group(0))), None)
                        if first is not None and first.start() < piece.start():
                            raw = sentence[first.start() : piece.end()].strip()
                    out.append(
                        Target(
                            value=value,
                            unit="%" if is_pct else nm.group("unit"),
                            year=year,
                            op=_op(before, after),
                            what=_what(before, after, is_pct),
                            raw=raw,
                            clause_id=clause.id,
                        )
                    )
    return out
