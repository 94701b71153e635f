"""Rules ↔ clauses: every citation of a shipped programme is linked once the library is loaded; a changed
clause flags its conditions "to review" on the clause page and the programme page until an official checks."""

from __future__ import annotations

import pytest
from django.urls import reverse

from engines.library.manifest import load_manifest
from engines.rules.loader import load_programmes
from engines.rules.model import walk
from funeng.apps.audit.models import AuditEvent
from funeng.apps.library.content import library_load_seeds
from funeng.apps.library.models import LinkStatus, PolicyDocument, RuleLink
from funeng.apps.library.services import document_ingest
from tests.support.personas import official

pytestmark = pytest.mark.django_db
ZJ_DOC = "srdi-2021-zhejiang"
CLAUSE = f"{ZJ_DOC}/九/(一)/1"


@pytest.fixture
def library():
    library_load_seeds()
    return official("gov_zj", "330000")


def test_the_seeds_are_loaded_with_their_metadata_and_every_citation_is_linked(library):
    entries = [e for e in load_manifest() if not e.editorial]
    assert PolicyDocument.objects.count() == len(entries) >= 5
    ndrc = PolicyDocument.objects.get(slug="ndrc-2020-552")
    assert ndrc.doc_number == "发改高技〔2020〕552号" and "中央网信办" in ndrc.issuers
    citations = [
        (p.id, node.id)
        for p in load_programmes().values()
        for node in walk(p.conditions)
        if node.citation.clause_id
    ]
    links = set(RuleLink.objects.values_list("programme_id", "node_id"))
    assert len(citations) > 200 and set(citations) == links
    assert not RuleLink.objects.exclude(status=LinkStatus.CURRENT).exists()
    # Loading again stores nothing new.
    assert not any(outcome.changed for outcome in library_load_seeds())


def test_a_changed_clause_puts_its_rules_to_review_until_an_official_checks(client, library):
    entry = next(e for e in load_manifest() if e.id == ZJ_DOC)
    text = entry.text_path.read_text(encoding="utf-8").replace("连续经营3年以上", "连续经营5年以上")
    outcome = document_ingest(actor=library, raw=text.encode(), slug=ZJ_DOC)
    stale = RuleLink.objects.filter(clause_key=CLAUSE, status=LinkStatus.TO_REVIEW)
    assert outcome.links_to_review == stale.count() >= 1
    assert set(stale.values_list("programme_id", flat=True)) == {"srdi-zhejiang"}
    # Clauses whose text did not change keep their links current.
    assert RuleLink.objects.filter(document__slug=ZJ_DOC, status=LinkStatus.CURRENT).exists()

    client.force_login(library)
    clause_page = client.get(reverse("library:clause", args=[CLAUSE])).content.decode()
    assert "待复核" in clause_page and "在省内工商注册登记" in clause_page
    programme_page = client.get(reverse("policies:programme", args=["srdi-zhejiang"])).content.decode()
    assert reverse("library:clause", args=[CLAUSE]) in programme_page
    assert reverse("library:document", args=[ZJ_DOC]) in programme_page
    assert "条款已修改" in programme_page

    link = stale.first()
    assert client.post(reverse("library:rule_link_recheck", args=[link.pk])).status_code == 302
    link.refresh_from_db()
    assert link.status == LinkStatus.CURRENT
    assert AuditEvent.objects.filter(object_type="library.rulelink", object_id=str(link.pk)).exists()


def test_an_official_of_another_province_cannot_confirm_a_rule_link(client, library):
    link = RuleLink.objects.filter(clause_key=CLAUSE).first()
    client.force_login(official("gov_js", "320000"))
    assert client.post(reverse("library:rule_link_recheck", args=[link.pk])).status_code == 403
