"""Policy documents as plain data: a document, its clause tree, its measures and numeric targets.

Every helper of the library engine (ingest, structure, extract, search) speaks these types; the
Django app stores them and the CLI prints them. Nothing here imports Django.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

LEVELS = ("national", "provincial", "municipal", "county", "unknown")
DOC_TYPES = ("plan", "notice", "criteria", "law", "opinion", "interpretation", "classification", "other")
VALIDITY = ("in_force", "expired", "unknown")
# A clause's kind follows the numbering layer of Chinese government documents:
# 一、 part · (一) section · 1. item · (1) subitem · ① point · 第X条 article · 专栏 box · preamble.
CLAUSE_KINDS = ("preamble", "part", "section", "item", "subitem", "point", "article", "box", "paragraph")
TARGET_OPS = (">=", ">", "<=", "<", "~", "=")


class IngestError(ValueError):
    """The input is not a policy text we can read (binary, wrong encoding, empty); nothing is stored.

    `message` is an English msgid (marked with gettext_noop) that the platform translates.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, slots=True)
class Clause:
    """One numbered unit of a document with a stable id such as `zj-2020-626/二/(一)/1`."""

    id: str
    path: tuple[str, ...]  # normalised numbering labels from the root: ("二", "(一)", "1")
    label: str  # the numbering as printed: "1." / "(一)" / "第三条"; "" for a preamble
    kind: str  # one of CLAUSE_KINDS
    heading: str  # the clause's title (e.g. "推动企业深度上云"), "" when it has none
    text: str  # the clause's own text, children excluded, furniture and repeats removed
    start: int  # character offsets of the clause's own text in Document.text
    end: int
    parent: str | None = None

    @property
    def depth(self) -> int:
        return len(self.path)


@dataclass(frozen=True, slots=True)
class Target:
    """A numeric target stated in a clause: 到2022年,培育400家上云标杆企业 → 400 家, 2022, "=", 上云标杆企业."""

    value: Decimal  # normalised to the base unit (亿元 → 元, 万人次 → 人次); percentages stay as 10 for 10 %
    unit: str  # base unit: "元", "家", "个", "人次", "%", ...
    year: int | None
    op: str  # one of TARGET_OPS
    what: str  # what is counted, as written ("上云标杆企业")
    raw: str  # the sentence fragment the target was read from
    clause_id: str = ""


@dataclass(frozen=True, slots=True)
class Measure:
    """A numbered measure (任务/举措) with its responsible units; the first listed unit leads."""

    no: int
    clause_id: str
    title: str
    units: tuple[str, ...]
    targets: tuple[Target, ...] = ()

    @property
    def lead_unit(self) -> str:
        return self.units[0] if self.units else ""


@dataclass(frozen=True, slots=True)
class Metadata:
    """What a document is; detected from the text and editable by an official."""

    title: str = ""
    doc_number: str = ""  # 文号, e.g. 发改高技〔2020〕552号
    issuers: tuple[str, ...] = ()
    issued_on: date | None = None
    level: str = "unknown"
    region_code: str = ""  # GB/T 2260, "" for national
    doc_type: str = "other"
    validity: str = "unknown"
    editorial: bool = False  # a magazine's own text: shown as such, never presented as policy


@dataclass(frozen=True, slots=True)
class Document:
    """An ingested document: cleaned text, metadata, clause tree (document order) and notes on cleaning."""

    id: str
    metadata: Metadata
    text: str
    clauses: tuple[Clause, ...]
    notes: tuple[str, ...] = ()  # e.g. "removed 3 repeated paragraphs (1,204 characters)"
    source_hash: str = ""  # sha256 of the raw input bytes
    detected: frozenset[str] = field(default_factory=frozenset)  # metadata fields read from the text

    def clause(self, clause_id: str) -> Clause:
        for clause in self.clauses:
            if clause.id == clause_id:
                return clause
        raise KeyError(clause_id)
