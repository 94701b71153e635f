"""Read a policy text (plain, HTML or DOCX) into a cleaned Document with metadata and clauses."""

from __future__ import annotations

import contextlib
import hashlib
import io
import re
import zipfile
from collections import Counter
from dataclasses import replace
from datetime import date
from html import unescape
from html.parser import HTMLParser

from engines.library.model import Document, IngestError, Metadata
from engines.library.structure import split_clauses
from engines.tabular.problems import gettext_noop

_MAGIC = {
    b"%PDF": gettext_noop("The input is a PDF file, not text; convert it to text first."),
    b"\x89PNG": gettext_noop("The input is a PNG image, not text; convert it to text first."),
    b"\xff\xd8\xff": gettext_noop("The input is a JPEG image, not text; convert it to text first."),
    b"GIF8": gettext_noop("The input is a GIF image, not text; convert it to text first."),
}
_SKIP_TAGS = {"script", "style", "nav", "header", "footer", "head", "noscript"}
_BLOCK_TAGS = {
    "p",
    "div",
    "br",
    "li",
    "tr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "section",
    "article",
    "table",
    "ul",
    "ol",
}
PROVINCES = {
    "北京": "110000", "天津": "120000", "河北": "130000", "山西": "140000", "内蒙古": "150000",
    "辽宁": "210000", "吉林": "220000", "黑龙江": "230000", "上海": "310000", "江苏": "320000",
    "浙江": "330000", "安徽": "340000", "福建": "350000", "江西": "360000", "山东": "370000",
    "河南": "410000", "湖北": "420000", "湖南": "430000", "广东": "440000", "广西": "450000",
    "海南": "460000", "重庆": "500000", "四川": "510000", "贵州": "520000", "云南": "530000",
    "西藏": "540000", "陕西": "610000", "甘肃": "620000", "青海": "630000", "宁夏": "640000",
    "新疆": "650000",
}  # fmt: skip
_DOC_NUMBER = re.compile(r"[\u4e00-\u9fa5]{1,12}[〔\[【(（]\d{4}[〕\]】)）]\d+号")
_DATE = re.compile(r"(\d{4})\s*(?:年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日|[-/](\d{1,2})[-/](\d{1,2}))")
_ISSUER = re.compile(
    r"[\u4e00-\u9fa5]{2,20}?(?:人民政府办公厅|人民政府办公室|人民政府|办公厅|办公室|委员会|发展改革委|"
    r"工业和信息化部|信息化部|[厅局部委])$"
)
_TITLE_WORDS = re.compile(r"通知|方案|计划|规划|意见|办法|标准|条例|法")
_DOC_TYPES = (
    ("解读", "interpretation"), ("分类", "classification"), ("规划", "plan"), ("计划", "plan"),
    ("方案", "plan"), ("意见", "opinion"), ("标准", "criteria"), ("条件", "criteria"),
    ("办法", "criteria"), ("条例", "law"), ("法", "law"), ("通知", "notice"),
)  # fmt: skip


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self.skip += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self.skip = max(0, self.skip - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def _decode(raw: bytes) -> str:
    for magic, message in _MAGIC.items():
        if raw.startswith(magic):
            raise IngestError(message)
    if raw.startswith(b"PK\x03\x04"):
        return _docx(raw)
    if b"\x00" in raw:
        raise IngestError(
            gettext_noop("The input is binary (it holds NUL bytes); upload a text, HTML or DOCX file.")
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("gb18030")
        except UnicodeDecodeError as exc:
            raise IngestError(
                gettext_noop("The input is neither UTF-8 nor GB18030 text; save it as UTF-8 and retry.")
            ) from exc
    controls = sum(1 for c in text if ord(c) < 32 and c not in "\n\r\t\f")
    if text and controls / len(text) > 0.05:
        raise IngestError(
            gettext_noop("The input looks binary (many control characters); upload a text file.")
        )
    return text


def _docx(raw: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as zf:
            xml = zf.read("word/document.xml").decode("utf-8")
    except (zipfile.BadZipFile, KeyError) as exc:
        raise IngestError(
            gettext_noop("The input is a ZIP archive but not a Word document; upload text or DOCX.")
        ) from exc
    paras = re.findall(r"<w:p[ >].*?</w:p>", xml, flags=re.S)
    return "\n".join(unescape("".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", p))) for p in paras)


def _html_to_text(text: str) -> str:
    parser = _TextExtractor()
    parser.feed(text)
    parser.close()
    return "".join(parser.parts)


def _normalise(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ").replace("\u3000", " ")
    text = text.replace("\ufeff", "").replace("\f", "\n")
    lines = [line.rstrip() for line in text.split("\n")]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip("\n")


def _squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


def _drop_furniture(text: str, notes: list[str]) -> str:
    """Drop page numbers and running heads: short lines repeated through the document."""
    lines = text.split("\n")
    counts = Counter(_squash(line) for line in lines if 0 < len(_squash(line)) <= 12)
    # A short line printed five times or more is a running head, not policy text.
    frequent = {k for k, n in counts.items() if n >= 5}
    kept, pages, heads = [], 0, 0
    for line in lines:
        s = _squash(line)
        if re.fullmatch(r"[-—·]?\d{1,4}[-—·]?|第\d+页|\d+/\d+", s):
            pages += 1
        elif s in frequent and not re.match(r"^[一二三四五六七八九十]+、|^[(（]", s):
            heads += 1
        elif "/" in s and len(s) <= 30 and re.fullmatch(r"(?:[\u4e00-\u9fa5]/){3,}[\u4e00-\u9fa5].*", s):
            heads += 1  # spaced running heads such as 数/字/产/业/化
        else:
            kept.append(line)
    if pages:
        notes.append(f"dropped {pages:,} page-number lines")
    if heads:
        notes.append(f"dropped {heads:,} page-furniture lines")
    return "\n".join(kept)


def _drop_repeats(text: str, notes: list[str]) -> str:
    """Remove later copies of paragraphs of 30 characters or more (repeated blocks, OCR duplicates)."""
    seen: set[str] = set()
    kept: list[str] = []
    # Runs first: removing a long line of a repeated run would hide the run's short lines.
    lines, removed, chars = _drop_repeated_runs(text.split("\n"))
    for line in lines:
        key = _squash(line)
        if len(key) >= 30 and key in seen:
            removed += 1
            chars += len(key)
            continue
        if len(key) >= 30:
            seen.add(key)
        # Web copies run repeated paragraphs together on one line: compare sentence by sentence too.
        pieces = re.findall(r"[^。！？]*[。！？]?", line)
        out = []
        for piece in pieces:
            pkey = _squash(piece)
            if len(pkey) >= 30 and pkey in seen and pkey != key:
                removed += 1
                chars += len(pkey)
                continue
            if len(pkey) >= 30:
                seen.add(pkey)
            out.append(piece)
        kept.append("".join(out))
    if removed:
        notes.append(f"removed {removed:,} repeated paragraphs ({chars:,} characters)")
    return "\n".join(kept)


# A run of short lines counts as repeated only when it is this long: numbered short lines such as
# "(二)专项条件" recur legitimately, but not several of them in the same order.
RUN_MIN_LINES = 2
RUN_MIN_CHARS = 40


def _drop_repeated_runs(lines: list[str]) -> tuple[list[str], int, int]:
    """Remove later copies of runs of consecutive lines (an OCR page break printing lines twice)."""
    keys = [_squash(line) for line in lines]
    first_at: dict[tuple[str, str], int] = {}
    kept: list[str] = []
    removed = chars = 0
    i = 0
    while i < len(lines):
        pair = (keys[i], keys[i + 1]) if i + 1 < len(lines) else None
        j = first_at.get(pair) if pair and all(pair) else None
        if j is not None:
            length = 0
            while i + length < len(lines) and j + length < i and keys[j + length] == keys[i + length]:
                length += 1
            run = keys[i : i + length]
            if length >= RUN_MIN_LINES and sum(map(len, run)) >= RUN_MIN_CHARS:
                removed += sum(1 for key in run if key)
                chars += sum(map(len, run))
                i += length
                continue
        if pair and all(pair):
            first_at.setdefault(pair, i)
        kept.append(lines[i])
        i += 1
    return kept, removed, chars


def _detect(text: str, given: Metadata) -> tuple[Metadata, set[str]]:
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    head = "\n".join(lines[:15])
    tail = "\n".join(lines[-10:])
    found: dict[str, object] = {}
    m = _DOC_NUMBER.search(head) or _DOC_NUMBER.search(text)
    if m:
        found["doc_number"] = m.group(0)
    for line in lines[:15]:
        # Web captions (引证码, links) and long body sentences are not titles.
        if re.search(r"引证码|链接|https?:|www\.|。", line) or len(line) > 80:
            continue
        if len(line) >= 6 and _TITLE_WORDS.search(line) and not _DOC_NUMBER.fullmatch(line):
            t = re.search(r"《([^》]+)》", line)
            found["title"] = t.group(1) if t and len(lines) > 3 and "印发" in line else line
            if t and "印发" not in line:
                found["title"] = line
            break
    if "title" not in found:
        # Run-together web copies: the first 《…》 near the top names the document.
        quoted = re.search(r"《([^》]{4,60})》", head)
        if quoted:
            found["title"] = quoted.group(1)
    dates = [d for d in _DATE.finditer(tail)] or [d for d in _DATE.finditer(head)]
    if dates:
        d = dates[-1]
        y, mo, da = d.group(1), d.group(2) or d.group(4), d.group(3) or d.group(5)
        with contextlib.suppress(ValueError):  # 2020年13月 is OCR noise, not a date
            found["issued_on"] = date(int(y), int(mo), int(da))
    # Issuers sit on the signature line or in a web page's header row, among other fields.
    tokens = [tok for line in lines[:8] + lines[-10:] for tok in re.split(r"\s{2,}|\s*[:：]\s*", line)]
    issuers = [
        tok.strip()
        for tok in tokens
        if 4 <= len(tok.strip()) <= 24
        and _ISSUER.search(tok.strip())
        and not re.search(r"^各|[,，、]", tok.strip())
    ]
    # "工业和信息化部办公厅关于印发…": the body before 关于 issued the document.
    by = re.search(
        r"([\u4e00-\u9fa5]{2,20}?(?:人民政府办公厅|人民政府办公室|人民政府|办公厅|办公室|部|委))关于", head
    )
    if by and not issuers:
        issuers = [by.group(1)]
    issuer_names = tuple(dict.fromkeys(issuers))[:3]
    if issuer_names:
        found["issuers"] = issuer_names
    scope = " ".join([str(found.get("title", "")), *issuer_names, str(found.get("doc_number", ""))])
    for name, code in PROVINCES.items():
        if name in scope:
            found["region_code"] = code
            break
    # The issuing body decides the level; the title only when no issuer was found.
    issuer_text = " ".join(issuer_names) or scope
    municipalities = ("北京市", "天津市", "上海市", "重庆市")
    if re.search(r"国务院|国家|[部委]$|部办公厅|全国", issuer_text) and "省" not in issuer_text:
        found["level"] = "national"
    elif "省" in issuer_text or any(m in issuer_text for m in municipalities) or "自治区" in issuer_text:
        found["level"] = "provincial"
    elif re.search(r"[县区]人民政府|县委", issuer_text):
        found["level"] = "county"
    elif "市" in issuer_text:
        found["level"] = "municipal"
    title = str(found.get("title", ""))
    for word, kind in _DOC_TYPES:
        if word in title:
            found["doc_type"] = kind
            break
    default = Metadata()
    values = {}
    detected = set()
    for key, value in found.items():
        if getattr(given, key) == getattr(default, key):
            values[key] = value
            detected.add(key)
    return replace(given, **values), detected  # type: ignore[arg-type]


def ingest(
    raw: bytes | str, *, doc_id: str | None = None, filename: str = "", metadata: Metadata | None = None
) -> Document:
    """Decode, clean and structure one policy text; raise IngestError when it cannot be read."""
    data = raw.encode("utf-8") if isinstance(raw, str) else raw
    source_hash = hashlib.sha256(data).hexdigest()
    text = raw if isinstance(raw, str) else _decode(raw)
    if not text.strip():
        raise IngestError(gettext_noop("The input is empty; upload a document with text in it."))
    notes: list[str] = []
    if filename.lower().endswith((".html", ".htm")) or re.search(
        r"<(html|body|p|div|br|script)\b", text, re.I
    ):
        text = _html_to_text(text)
        notes.append("converted HTML to text")
    text = _normalise(text)
    text = _drop_furniture(text, notes)
    text = _drop_repeats(text, notes)
    text = _normalise(text)
    if not text.strip():
        raise IngestError(gettext_noop("The input holds no readable text after cleaning; check the file."))
    doc_id = doc_id or "doc-" + source_hash[:10]
    meta, detected = _detect(text, metadata or Metadata())
    return Document(
        id=doc_id,
        metadata=meta,
        text=text,
        clauses=split_clauses(doc_id, text),
        notes=tuple(notes),
        source_hash=source_hash,
        detected=frozenset(detected),
    )
