"""Matchmaking services: the workflow need → proposals → deal → review, its rules, and its audit rows."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from funeng.apps.audit.models import AuditEvent
from funeng.apps.matching import services
from funeng.apps.matching.const import DealStatus, MatchEventKind, NeedStatus, ProposalStatus, SolutionStatus
from funeng.apps.matching.models import Deal, MatchEvent, Proposal, Solution
from funeng.apps.matching.ranking import need_ranking_state
from funeng.apps.matching.selectors import need_matches_shown
from tests.support.matching import FINANCE, make_world

pytestmark = pytest.mark.django_db


def messages(error: ValidationError) -> str:
    with translation.override("en"):
        return " ".join(error.messages)


def submitted(w, need, solution, price=6000):
    proposal = services.proposal_request(need=need, solution=solution, acting_user=w["enterprise_a"])
    provider_user = "provider_1" if solution.provider_id == w.provider_1.pk else "provider_2"
    return services.proposal_submit(
        proposal=proposal, acting_user=w[provider_user], price_cny=price, delivery_plan="两周上线，培训一次"
    )


def test_it_ranks_the_fitting_solution_first_with_reasons_when_a_need_is_posted():
    w = make_world()
    need = w.need()
    matches = list(need.matches.order_by("rank").select_related("solution"))
    assert matches[0].solution == w.homestay
    codes = [r["code"] for r in matches[0].reasons]
    assert "scenario" in codes and "budget" in codes
    # The enterprise's profile is copied onto the need when it is posted.
    assert (need.industry_code, need.region_code, need.employees) == ("6110", "330106", 12)
    assert need.best_score == pytest.approx(matches[0].score)
    # The Jiangsu-only finance solution does not serve Zhejiang, so it is never first.
    assert matches[0].solution != w.finance


def test_it_runs_the_whole_workflow_and_audits_every_step():
    w = make_world()
    need = w.need()
    first = submitted(w, need, w.homestay, price=6000)
    second = submitted(w, need, w.mes, price=90000)
    deal = services.proposal_accept(proposal=first, acting_user=w["enterprise_a"])
    second.refresh_from_db()
    need.refresh_from_db()
    assert (deal.amount_cny, deal.status, deal.provider) == (
        Decimal("6000.00"),
        DealStatus.ACTIVE,
        w.provider_1,
    )
    assert second.status == ProposalStatus.DECLINED
    assert need.status == NeedStatus.MATCHED
    assert deal.scenarios == ["business_management", "ecommerce"]
    services.deal_deliver(deal=deal, acting_user=w["enterprise_a"])
    review = services.review_create(deal=deal, acting_user=w["enterprise_a"], rating=5, text="好用")
    assert review.provider == w.provider_1
    audited = set(AuditEvent.objects.values_list("object_type", "action"))
    for label in ("matching.need", "matching.proposal", "matching.deal", "matching.review"):
        assert (label, "create") in audited, label
    assert ("matching.deal", "update") in audited
    # The deal's audit row is scoped to the enterprise's region, so its officials can read it.
    row = AuditEvent.objects.get(object_type="matching.deal", action="create")
    assert (row.region_code, row.enterprise_id) == ("330106", w.enterprise_a.pk)
    kinds = set(MatchEvent.objects.values_list("kind", flat=True))
    assert {MatchEventKind.PROPOSAL_REQUESTED, MatchEventKind.DEAL} <= kinds


def test_it_refuses_a_deal_on_a_proposal_that_was_not_submitted():
    w = make_world()
    need = w.need()
    proposal = services.proposal_request(need=need, solution=w.homestay, acting_user=w["enterprise_a"])
    with pytest.raises(ValidationError) as caught:
        services.proposal_accept(proposal=proposal, acting_user=w["enterprise_a"])
    assert "Only a submitted proposal can be accepted" in messages(caught.value)
    assert not Deal.objects.exists()


def test_it_lets_only_the_parties_act_on_their_side():
    w = make_world()
    need = w.need()
    proposal = submitted(w, need, w.homestay)
    with pytest.raises(PermissionDenied):
        services.proposal_accept(proposal=proposal, acting_user=w["provider_1"])
    with pytest.raises(PermissionDenied):
        services.proposal_accept(proposal=proposal, acting_user=w["enterprise_b"])
    with pytest.raises(PermissionDenied):
        services.proposal_submit(
            proposal=proposal, acting_user=w["provider_2"], price_cny=1, delivery_plan="x"
        )
    with pytest.raises(PermissionDenied):
        services.proposal_request(need=need, solution=w.mes, acting_user=w["enterprise_b"])
    with pytest.raises(PermissionDenied):
        services.need_create(enterprise=w.enterprise_a, acting_user=w["enterprise_b"], title="冒名需求")


def test_it_asks_for_a_proposal_only_once_per_solution_and_only_while_the_need_is_open():
    w = make_world()
    need = w.need()
    services.proposal_request(need=need, solution=w.homestay, acting_user=w["enterprise_a"])
    with pytest.raises(ValidationError) as caught:
        services.proposal_request(need=need, solution=w.homestay, acting_user=w["enterprise_a"])
    assert "already asked" in messages(caught.value)
    services.need_close(need=need, acting_user=w["enterprise_a"])
    assert Proposal.objects.get().status == ProposalStatus.DECLINED
    with pytest.raises(ValidationError) as caught:
        services.proposal_request(need=need, solution=w.mes, acting_user=w["enterprise_a"])
    assert "proposals can be asked for and answered only while it is open" in messages(caught.value)


def test_it_reviews_only_a_received_deal_and_only_once():
    w = make_world()
    deal = services.proposal_accept(
        proposal=submitted(w, w.need(), w.homestay), acting_user=w["enterprise_a"]
    )
    with pytest.raises(ValidationError) as caught:
        services.review_create(deal=deal, acting_user=w["enterprise_a"], rating=5)
    assert "after you have marked it received" in messages(caught.value)
    services.deal_deliver(deal=deal, acting_user=w["enterprise_a"])
    with pytest.raises(ValidationError):
        services.review_create(deal=deal, acting_user=w["enterprise_a"], rating=6)
    services.review_create(deal=deal, acting_user=w["enterprise_a"], rating=3)
    with pytest.raises(ValidationError) as caught:
        services.review_create(deal=deal, acting_user=w["enterprise_a"], rating=4)
    assert "already has your review" in messages(caught.value)
    with pytest.raises(PermissionDenied):
        services.deal_deliver(deal=deal, acting_user=w["provider_1"])


def test_it_cancels_a_deal_only_with_a_reason():
    w = make_world()
    deal = services.proposal_accept(
        proposal=submitted(w, w.need(), w.homestay), acting_user=w["enterprise_a"]
    )
    with pytest.raises(ValidationError):
        services.deal_cancel(deal=deal, acting_user=w["provider_1"], reason="  ")
    services.deal_cancel(deal=deal, acting_user=w["provider_1"], reason="客户需求变更")
    deal.refresh_from_db()
    assert (deal.status, deal.cancel_reason) == (DealStatus.CANCELLED, "客户需求变更")


def test_it_lets_only_an_official_of_the_region_decide_a_complaint():
    w = make_world()
    deal = services.proposal_accept(
        proposal=submitted(w, w.need(), w.homestay), acting_user=w["enterprise_a"]
    )
    complaint = services.complaint_create(deal=deal, acting_user=w["enterprise_a"], text="没有培训")
    with pytest.raises(PermissionDenied):
        services.complaint_decide(
            complaint=complaint, acting_user=w["official_nj"], decision="upheld", reason="x"
        )
    decided = services.complaint_decide(
        complaint=complaint, acting_user=w["official_hz"], decision="upheld", reason="合同约定的培训未做"
    )
    assert decided.status == "upheld"


def test_it_offers_solutions_only_when_the_provider_is_approved():
    w = make_world()
    w.provider_2.vetting_state = "applied"
    w.provider_2.save()
    with pytest.raises(ValidationError) as caught:
        services.solution_create(provider=w.provider_2, acting_user=w["provider_2"], **FINANCE)
    assert "must approve it before you can offer solutions" in messages(caught.value)
    # Taking an offer down needs no approval.
    services.solution_withdraw(solution=w.finance, acting_user=w["provider_2"])
    assert Solution.objects.get(pk=w.finance.pk).status == SolutionStatus.WITHDRAWN


def test_it_rejects_unknown_scenarios_industries_and_regions_naming_the_field():
    w = make_world()
    with pytest.raises(ValidationError) as caught:
        services.solution_create(
            provider=w.provider_1,
            acting_user=w["provider_1"],
            title="坏数据",
            scenarios=["flying"],
            industries=["Z9"],
            regions=["330100"],
            min_employees=50,
            max_employees=10,
        )
    fields = caught.value.message_dict
    assert {"scenarios", "industries", "regions", "max_employees"} <= set(fields)


def test_it_stops_matching_a_withdrawn_solution_and_reranks_the_need():
    w = make_world()
    need = w.need()
    services.solution_withdraw(solution=w.homestay, acting_user=w["provider_1"])
    shown = [m.solution for m in need_matches_shown(need)]
    assert w.homestay not in shown
    # The stored ranking is now outdated; it is ranked again on request (a POST), never on a view.
    assert need_ranking_state(need) == "outdated"
    services.need_rank(need=need, acting_user=w["enterprise_a"])
    assert not need.matches.filter(solution=w.homestay).exists()
    assert need_ranking_state(need) == ""
