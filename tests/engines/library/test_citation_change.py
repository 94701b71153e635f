"""A citation after its document changed: still holding, or to review and why."""

from __future__ import annotations

from engines.library.ingest import ingest
from engines.library.links import CLAUSE_CHANGED, CLAUSE_REMOVED, QUOTE_GONE, citation_change

V1 = """一、浙江
(一)基本条件
1.在省内工商注册登记、连续经营3年以上。
(二)专项条件
1.近2年主营业务收入平均增长率达到5%以上。
"""


def _doc(text: str):
    return ingest(text, doc_id="d")


def test_a_citation_holds_when_its_text_is_unchanged_or_new():
    before, after = _doc(V1), _doc(V1.replace("5%", "8%"))
    assert citation_change(before, after, "d/一/(一)/1", "连续经营3年以上") == ""
    assert citation_change(None, after, "d/一/(二)/1", "增长率达到8%以上") == ""


def test_a_changed_removed_or_reworded_clause_is_to_review():
    before = _doc(V1)
    assert citation_change(before, _doc(V1.replace("3年", "5年")), "d/一/(一)/1", "在省内工商注册登记") == (
        CLAUSE_CHANGED
    )
    assert (
        citation_change(before, _doc(V1.replace("3年", "5年")), "d/一/(一)/1", "连续经营3年以上")
        == QUOTE_GONE
    )
    assert citation_change(before, _doc(V1.split("(二)")[0]), "d/一/(二)/1", "增长率") == CLAUSE_REMOVED


def test_a_heading_citation_ignores_changes_below_it():
    # The section heading's own text is unchanged; only a sub-item changed.
    before, after = _doc(V1), _doc(V1.replace("5%", "8%"))
    assert citation_change(before, after, "d/一", "一、浙江") == ""
