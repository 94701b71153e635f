"""The policy-library parser on the seed documents, on unseen invented documents and on bad input."""

from __future__ import annotations

import codecs
from datetime import date
from decimal import Decimal
from functools import cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engines.library import extract_measures, extract_targets, ingest, split_clauses
from engines.library.manifest import CONTENT_DIR
from engines.library.model import Document, IngestError

TEXTS = CONTENT_DIR / "texts"
# The library's texts cut from the seed documents (engines/library/content/manifest.yaml).
SEED_TEXTS = {
    "000": "ndrc-2020-552",
    "001": "zj-2020-digital-empowerment",
    "003": "sc-2021-14th-digital-economy",
    "004": "miit-2020-10",
}
# Seed 002 is a magazine: its SRDI criteria with a page's running heads between them, as printed.
PAGE_FURNITURE = "\n\n{page}\n\n数  志\n\n政策专篇\n\n"


def _seed_text(prefix: str) -> bytes:
    if prefix == "002":
        texts = sorted(TEXTS.glob("srdi-2021-*.txt"))
        pages = [
            PAGE_FURNITURE.format(page=50 + i) + t.read_text(encoding="utf-8") for i, t in enumerate(texts)
        ]
        return "".join(pages).encode()
    return (TEXTS / f"{SEED_TEXTS[prefix]}.txt").read_bytes()


@cache
def seed(prefix: str) -> Document:
    """Ingest a seed's library text as an official would upload it: no metadata given."""
    return ingest(_seed_text(prefix), doc_id=f"s{prefix}")


# Read by hand from seed 001 (measure no, value in base unit, unit, op); 0 = the preamble.
SEED_001_TARGETS = [
    (0, Decimal(29), "%", ">="),
    (0, Decimal(5), "家", "="),
    (0, Decimal(100), "个", ">="),
    (0, Decimal(1000000), "个", ">="),
    (1, Decimal(400), "家", "="),
    (4, Decimal(20), "个", "="),
    (5, Decimal(30), "家", "~"),
    (12, Decimal(15), "个", "="),
    (12, Decimal(30), "个", "="),
    (13, Decimal(2600000000000), "元", ">="),
    (13, Decimal(140000000000), "元", ">="),
    (14, Decimal(90), "%", ">="),
    (16, Decimal(20), "家", ">="),
    (16, Decimal(100), "家", ">="),
    (19, Decimal(1000000), "人次", ">="),
    (19, Decimal(32), "%", ">="),
    (20, Decimal(10000), "个", "="),
    (20, Decimal(50000), "个", ">="),
    (20, Decimal(80), "个", ">="),
    (26, Decimal(15), "个", "="),
    (26, Decimal(20), "个", "="),
    (26, Decimal(250), "家", "="),
]


def test_it_finds_the_26_measures_of_seed_001_with_their_units() -> None:
    measures = extract_measures(seed("001"))
    assert [m.no for m in measures] == list(range(1, 27))
    assert measures[0].title == "推动企业深度上云"
    assert measures[0].units == (
        "省经信厅",
        "省发展改革委",
        "省交通运输厅",
        "省商务厅",
        "省市场监管局",
        "省邮政管理局",
    )
    assert measures[0].lead_unit == "省经信厅"
    assert all(m.units for m in measures)
    assert measures[11].units[0] == "省文化和旅游厅"
    assert measures[0].clause_id == "s001/二/(一)/1"


def test_it_reads_every_numeric_target_of_seed_001() -> None:
    doc = seed("001")
    measures = {m.clause_id: m.no for m in extract_measures(doc)}
    found = [(measures.get(t.clause_id, 0), t.value, t.unit, t.op) for t in extract_targets(doc)]
    for expected in SEED_001_TARGETS:
        assert expected in found
    assert all(t.year == 2022 for t in extract_targets(doc))
    first = extract_measures(doc)[0].targets
    assert [(t.value, t.unit, t.year, t.op, t.what, t.raw) for t in first] == [
        (Decimal(400), "家", 2022, "=", "上云标杆企业", "到2022年,培育400家上云标杆企业")
    ]


def test_it_detects_the_metadata_of_seed_001_and_000() -> None:
    meta = seed("001").metadata
    assert meta.issuers[0] == "浙江省人民政府办公厅"
    assert meta.issued_on == date(2020, 11, 12)
    assert (meta.level, meta.region_code, meta.doc_type) == ("provincial", "330000", "plan")
    assert seed("000").metadata.doc_number == "发改高技〔2020〕552号"
    assert "doc_number" in seed("000").detected
    assert seed("000").metadata.level == "national"
    assert seed("004").metadata.title == "中小企业数字化赋能专项行动方案"
    assert seed("004").metadata.issuers == ("工业和信息化部办公厅",)
    assert seed("004").metadata.doc_number == "工信厅企业〔2020〕10号"


def test_it_removes_repeats_furniture_and_html() -> None:
    d004 = seed("004")
    assert any(n.startswith("removed") and "repeated paragraphs" in n for n in d004.notes)
    assert d004.text.count("现将《中小企业数字化赋能专项行动方案》印发给你们") == 1
    d002 = seed("002")
    assert any("page-furniture" in n for n in d002.notes)
    assert "\n数  志\n" not in d002.text and "\n政策专篇\n" not in d002.text
    d003 = seed("003")
    assert "<script" not in d003.text and "<div" not in d003.text
    assert any(c.kind == "part" for c in d003.clauses)


CITY_PLAN = """江苏省海澄市人民政府办公室关于印发海澄市数字经济提升行动方案(2023—2025年)的通知
澄政办发〔2023〕18号
各区人民政府,市各委办局:
现将《海澄市数字经济提升行动方案(2023—2025年)》印发给你们,请认真贯彻执行。
到2025年,全市数字经济核心产业增加值突破1.2万亿元,规上工业企业数字化改造覆盖率达到90%以上。
一、总体要求
坚持应用牵引,夯实数字底座。
二、重点任务
(一)加快企业上云
1. 推进中小企业上云。组织云服务商开展上云诊断。到2025年,新增上云企业5000家左右。(责任单位:市工信局、市发改委和市财政局)
2. 建设工业互联网平台。支持龙头企业建平台。(牵头单位：市工信局，市科技局)
(二)培育数字人才
3. 开展数字技能培训。2025年前累计培训数字技能人才3万人次以上。(责任单位:市人社局)
(1)依托职业院校开设课程,培育5家实训基地。
4. 引进高端人才。每年引进不少于200名人才。
1.5亿元人才基金由市财政安排。(责任单位:市委人才办、市人社局)
5. 完善评价机制。落实职称评审政策。(责任单位:市人社局)
海澄市人民政府办公室
2023年3月6日
"""

REGULATION = """海澄市公共数据管理办法
第一条 为规范公共数据管理,制定本办法。
第二条 本办法适用于本市行政区域内公共数据的管理。
第三条 到2024年底,市级公共数据开放数据集不少于500个。
"""


def test_it_parses_an_unseen_city_action_plan() -> None:
    doc = ingest(CITY_PLAN, doc_id="hc")
    ids = [c.id for c in doc.clauses]
    assert ids[:4] == ["hc/序", "hc/一", "hc/二", "hc/二/(一)"]
    assert "hc/二/(一)/1" in ids and "hc/二/(二)/3/(1)" in ids
    meta = doc.metadata
    assert meta.doc_number == "澄政办发〔2023〕18号"
    assert meta.issued_on == date(2023, 3, 6)
    assert (meta.region_code, meta.doc_type, meta.level) == ("320000", "plan", "municipal")
    measures = extract_measures(doc)
    assert [m.no for m in measures] == [1, 2, 3, 4, 5]
    assert measures[0].units == ("市工信局", "市发改委", "市财政局")
    assert measures[1].units == ("市工信局", "市科技局")
    assert measures[0].title == "推进中小企业上云"
    targets = extract_targets(doc)
    got = {(t.value, t.unit, t.year, t.op) for t in targets}
    assert (Decimal(1200000000000), "元", 2025, ">=") in got
    assert (Decimal(90), "%", 2025, ">=") in got
    assert (Decimal(5000), "家", 2025, "~") in got
    assert (Decimal(30000), "人次", 2025, ">=") in got
    # "1.5亿元" at a line's start inside a measure is money, not an item; it has no target year.
    assert not any(t.value == Decimal(150000000) for t in targets)
    assert measures[2].targets[0].value == Decimal(30000)
    assert measures[2].targets[0].what.endswith("数字技能人才")
    assert "2025" not in measures[2].targets[0].what
    assert "hc/二/(二)/4/1" not in ids


def test_it_numbers_articles_of_a_regulation() -> None:
    doc = ingest(REGULATION, doc_id="reg")
    assert [c.id for c in doc.clauses] == ["reg/序", "reg/第一条", "reg/第二条", "reg/第三条"]
    assert doc.metadata.doc_type == "criteria"
    (target,) = extract_targets(doc)
    assert (target.value, target.unit, target.year, target.op) == (Decimal(500), "个", 2024, ">=")
    assert extract_measures(doc) == []


def test_it_makes_repeated_ids_unique() -> None:
    clauses = split_clauses("d", "一、甲\n1. 乙\n1. 丙\n")
    assert [c.id for c in clauses] == ["d/一", "d/一/1", "d/一/1~2"]


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"\x00\x01\x02binary", "binary"),
        (b"%PDF-1.7\n...", "PDF"),
        (b"", "empty"),
        (b"   \n\t ", "empty"),
        (b"\xff\xfe\xfd\xfc\x80\x81", "neither UTF-8 nor GB18030"),
    ],
)
def test_it_refuses_unreadable_input(raw: bytes, reason: str) -> None:
    with pytest.raises(IngestError, match=reason):
        ingest(raw)


def test_it_decodes_gbk_and_utf8_bom() -> None:
    text = "关于印发某某方案的通知\n一、总体要求\n"
    assert ingest(text.encode("gbk")).text == text.strip()
    assert ingest(codecs.BOM_UTF8 + text.encode()).text == text.strip()
    doc = ingest(text.encode())
    assert doc.id == "doc-" + doc.source_hash[:10]


LINE = st.one_of(
    st.sampled_from(
        [
            "一、总则",
            "(一)目标",
            "（二）任务",
            "1. 上云。内容",
            "2、用数",
            "(1)细则",
            "①要点",
            "第三条 规定",
            "专栏1 工程",
        ]
    ),
    st.text(alphabet="数字化转型到2025年家亿元。,1.5G ", min_size=0, max_size=20),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(LINE, min_size=1, max_size=25))
def test_clause_offsets_slice_the_text_and_ids_are_unique(lines: list[str]) -> None:
    text = "\n".join(lines)
    clauses = split_clauses("p", text)
    assert len({c.id for c in clauses}) == len(clauses)
    ids = {c.id for c in clauses}
    for c in clauses:
        assert 0 <= c.start <= c.end <= len(text)
        assert c.text == text[c.start : c.end]
        assert c.parent is None or c.parent in ids
