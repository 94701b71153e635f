"""The policy library's shipped content: the manifest, its texts and the documents ingested from them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from engines.library import extract_measures
from engines.library.manifest import DEFAULT, METADATA_FIELDS, library_documents, load_manifest
from engines.library.model import DOC_TYPES, LEVELS, VALIDITY

SEEDS = {
    "000_a031d1bd700990c2.txt",
    "001_797ca64ec391d12e.txt",
    "002_f2acacaddcff9b90.txt",
    "003_bd4eecec67ba6806.txt",
    "004_0fa5513a2073b164.txt",
}


def _doc(doc_id: str):  # type: ignore[no-untyped-def]
    return next(d for d in library_documents() if d.id == doc_id)


def test_the_manifest_loads_and_every_document_has_its_text() -> None:
    entries = load_manifest()
    ids = [e.id for e in entries]
    assert len(ids) == len(set(ids))
    documents = [e for e in entries if not e.editorial]
    assert len(documents) >= 20
    for entry in documents:
        assert entry.text_path is not None and entry.text_path.is_file(), entry.id
        assert entry.text_path.read_text(encoding="utf-8").strip(), entry.id
        assert entry.provisional <= set(METADATA_FIELDS)
        meta = entry.metadata
        assert (
            meta.title and meta.level in LEVELS and meta.doc_type in DOC_TYPES and meta.validity in VALIDITY
        )
        assert (meta.level == "national") == (meta.region_code == ""), entry.id
    for entry in entries:
        if entry.editorial:
            assert entry.text_path is None and entry.metadata.editorial
    assert {e.source for e in documents} == SEEDS


def test_the_manifest_accounts_for_every_seed_line_once() -> None:
    data = yaml.safe_load(DEFAULT.read_text(encoding="utf-8"))
    assert set(data["seeds"]) == SEEDS
    for seed, count in data["seeds"].items():
        lines: list[int] = []
        for item in [*data["documents"], *data["not_taken"]]:
            if item["seed"] == seed:
                lines += [n for a, b in item["lines"] for n in range(a, b + 1)]
        assert sorted(lines) == list(range(1, count + 1)), seed


def test_texts_carry_no_page_furniture() -> None:
    for entry in load_manifest():
        if entry.text_path is None:
            continue
        for line in entry.text_path.read_text(encoding="utf-8").split("\n"):
            squashed = "".join(line.split())
            assert squashed not in ("数志", "政策专篇") and not squashed.isdigit(), (entry.id, line)


def test_the_seed_002_compilation_is_split_into_government_documents() -> None:
    entries = {e.id: e for e in load_manifest()}
    srdi = [i for i in entries if i.startswith("srdi-2021-")]
    assert len(srdi) >= 20 and "srdi-2021-national" in srdi and "srdi-2021-zhejiang" in srdi
    assert any(e.editorial and e.source.startswith("002_") for e in entries.values())
    zhejiang = _doc("srdi-2021-zhejiang")
    # The compilation's framing sentence is editorial and left out; the criteria stay word for word.
    assert "申报条件包括基本条件、专项条件、分类条件" not in zhejiang.text
    assert "在省内工商注册登记、连续经营3年以上、具有独立法人资格" in zhejiang.text
    assert zhejiang.clause("srdi-2021-zhejiang/九/(三)/3").text.startswith("3.上年度营业收入不足5000万元")
    shanghai = _doc("srdi-2021-shanghai")
    assert shanghai.text.count("(二)专项条件") == 1  # the OCR repeat across the page break is dropped


def test_seed_001_yields_26_measures_with_lead_units() -> None:
    doc = _doc("zj-2020-digital-empowerment")
    measures = extract_measures(doc)
    assert [m.no for m in measures] == list(range(1, 27))
    assert all(m.lead_unit for m in measures)
    assert measures[0].lead_unit == "省经信厅"


def test_manifest_metadata_wins_over_detection() -> None:
    ndrc = _doc("ndrc-2020-552")
    assert ndrc.metadata.issuers == ("国家发展改革委", "中央网信办")
    assert ndrc.metadata.doc_number == "发改高技〔2020〕552号"
    assert ndrc.metadata.issued_on == dt.date(2020, 4, 7)
    assert "doc_number" in ndrc.detected
    national = _doc("srdi-2021-national")
    # The criteria cite 工信部联企业〔2011〕300号; it is not this document's number.
    assert national.metadata.doc_number == ""
    assert national.metadata.doc_type == "criteria" and national.metadata.region_code == ""
    plan = _doc("sc-2021-14th-digital-economy")
    assert plan.metadata.issuers == ("国务院",)
    assert "<p>" not in plan.text and "文章来源" not in plan.text
    assert {e.id: e.provisional for e in load_manifest()}["sc-2021-14th-digital-economy"] == {
        "doc_number",
        "issued_on",
    }


GOOD = """
documents:
- id: doc-a
  seed: 000.txt
  lines: [[1, 3]]
  title: 某某方案
  issuers: [某某厅]
  issued_on: 2021-03-04
  level: provincial
  region_code: "330000"
  doc_type: plan
  provisional: [issuers]
- id: ed-a
  editorial: true
  seed: 000.txt
  lines: [[4, 5]]
"""


def _write(tmp_path: Path, text: str, texts: tuple[str, ...] = ("doc-a",)) -> Path:
    (tmp_path / "texts").mkdir(exist_ok=True)
    for name in texts:
        (tmp_path / "texts" / f"{name}.txt").write_text(
            "某某方案\n一、总体要求\n坚持应用牵引。\n", encoding="utf-8"
        )
    path = tmp_path / "manifest.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_small_manifest_loads_and_ingests(tmp_path: Path) -> None:
    path = _write(tmp_path, GOOD)
    entries = load_manifest(path)
    assert [(e.id, e.editorial, e.lines) for e in entries] == [
        ("doc-a", False, ((1, 3),)),
        ("ed-a", True, ((4, 5),)),
    ]
    assert entries[0].provisional == frozenset({"issuers"})
    (doc,) = library_documents(path)
    assert doc.id == "doc-a" and doc.metadata.issued_on == dt.date(2021, 3, 4)
    assert doc.metadata.region_code == "330000" and [c.id for c in doc.clauses] == ["doc-a/序", "doc-a/一"]


@pytest.mark.parametrize(
    ("old", "new", "where", "reason"),
    [
        (
            "level: provincial",
            "level: regional",
            r"documents\[0\] \(doc-a\)\.level",
            "unknown level 'regional'",
        ),
        (
            "issued_on: 2021-03-04",
            "issued_on: 2021-13-04",
            r"documents\[0\] \(doc-a\)\.issued_on",
            "not an ISO date",
        ),
        (
            "- id: ed-a",
            "- id: doc-a",
            r"documents\[1\] \(doc-a\)\.id",
            r"duplicate id 'doc-a' \(first at documents\[0\]\)",
        ),
        (
            "doc_type: plan",
            "doc_type: memo",
            r"documents\[0\] \(doc-a\)\.doc_type",
            "unknown doc_type 'memo'",
        ),
        (
            'region_code: "330000"',
            'region_code: "33"',
            r"documents\[0\] \(doc-a\)\.region_code",
            "not a 6-digit GB/T 2260 code",
        ),
        ("lines: [[1, 3]]", "lines: [[3, 1]]", r"documents\[0\] \(doc-a\)\.lines", "first <= last"),
        (
            "provisional: [issuers]",
            "provisional: [colour]",
            r"documents\[0\] \(doc-a\)\.provisional",
            "must list metadata fields",
        ),
        (
            "title: 某某方案",
            "title: 某某方案\n  colour: red",
            r"documents\[0\] \(doc-a\)",
            "unknown keys colour",
        ),
        (
            "  lines: [[4, 5]]",
            "  lines: [[4, 5]]\n  title: 编者按",
            r"documents\[1\] \(ed-a\)",
            "editorial entry has no metadata",
        ),
        ("- id: doc-a", "- id: Doc A", r"documents\[0\] \(Doc A\)\.id", "is not a slug"),
    ],
)
def test_bad_manifests_fail_precisely(tmp_path: Path, old: str, new: str, where: str, reason: str) -> None:
    assert old in GOOD
    path = _write(tmp_path, GOOD.replace(old, new, 1))
    with pytest.raises(ValueError, match=rf"manifest\.yaml: {where}: .*{reason}"):
        load_manifest(path)


def test_a_missing_text_file_is_named(tmp_path: Path) -> None:
    path = _write(tmp_path, GOOD, texts=())
    with pytest.raises(ValueError, match=r"documents\[0\] \(doc-a\): missing text file .*doc-a\.txt"):
        load_manifest(path)


def test_a_manifest_without_documents_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="manifest.yaml: documents: the manifest needs"):
        load_manifest(_write(tmp_path, "seeds: {}\n"))
    with pytest.raises(ValueError, match="is not valid YAML"):
        load_manifest(_write(tmp_path, "documents: [\n"))
