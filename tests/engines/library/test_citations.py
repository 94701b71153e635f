"""Every rule citation points at the policy-library clause that holds its quote."""

from __future__ import annotations

from engines.library.links import clause_text, find_clause, normalise_quote, quote_in_clause
from engines.library.manifest import library_documents
from engines.rules.loader import load_programmes
from engines.rules.model import walk


def test_every_citation_has_a_library_clause_holding_its_quote() -> None:
    documents = {d.id: d for d in library_documents()}
    checked = 0
    for programme in load_programmes().values():
        for node in walk(programme.conditions):
            citation = node.citation
            assert citation.clause_id, f"{programme.id}/{node.id}: no clause_id"
            doc = documents[citation.clause_id.split("/")[0]]
            clause = doc.clause(citation.clause_id)
            assert quote_in_clause(citation.quote, clause_text(doc, clause)), f"{programme.id}/{node.id}"
            assert citation.as_dict()["clause_id"] == citation.clause_id
            checked += 1
    assert checked >= 250


def test_a_citation_links_to_the_most_specific_clause() -> None:
    documents = [d for d in library_documents() if d.id.startswith("srdi-")]
    zhejiang = [d for d in documents if d.id == "srdi-2021-zhejiang"]
    found = find_clause(zhejiang, "在省内工商注册登记、连续经营3年以上、具有独立法人资格")
    assert found is not None and found.id == "srdi-2021-zhejiang/九/(一)/1"
    # Over two sibling sub-items the parent holds the quote.
    national = [d for d in documents if d.id == "srdi-2021-national"]
    both = "(2)属于省级中小企业主管部门认定或重点培育的“专精特新”中小企业。(3)拥有被认定为“专精特新”产品的中小企业"
    found = find_clause(national, both)
    assert found is not None and found.id == "srdi-2021-national/一/(一)/1"
    # The hint decides between equally specific clauses of two documents.
    quote = "企业有完整的精细化管理方案,取得相关质量管理体系认证。"
    found = find_clause(documents, quote, "一、国家（二）4.(1)")
    assert found is not None and found.id == "srdi-2021-national/一/(二)/4/(1)"


def test_a_wrong_quote_is_not_found() -> None:
    documents = [d for d in library_documents() if d.id.startswith("srdi-")]
    assert find_clause(documents, "在火星工商注册登记并连续经营三年以上") is None
    zhejiang = next(d for d in documents if d.id == "srdi-2021-zhejiang")
    clause = zhejiang.clause("srdi-2021-zhejiang/九/(二)/1")
    assert quote_in_clause("企业资产负债率不高于70%", clause.text)
    assert not quote_in_clause("企业资产负债率不高于80%", clause.text)
    assert not quote_in_clause("", clause.text)


def test_quotes_are_compared_without_spacing_and_width() -> None:
    assert normalise_quote("（工信部联企业〔2011〕300 号）") == normalise_quote("(工信部联企业[2011]300号)")
    assert normalise_quote("达到5％以上，\u3000不高于70%；") == normalise_quote("达到5%以上, 不高于70%;")
    assert quote_in_clause(
        "工信部联企业〔2011〕300号", "符合《中小企业划型标准规定》(工信部联企业〔2011〕300 号)的"
    )
    assert normalise_quote("数  志\n") == "数志"
