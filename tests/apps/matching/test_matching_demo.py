"""Demo matchmaking through `demo_region`: every page of the demo logins has content, rows are valid."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings

from funeng.apps.audit.models import AuditEvent
from funeng.apps.core.models import Membership
from funeng.apps.matching.const import ProposalStatus
from funeng.apps.matching.models import Deal, Match, Need, Proposal, Review, Solution

pytestmark = pytest.mark.django_db


@override_settings(DEBUG=True)
def test_it_fills_matchmaking_for_the_demo_logins():
    out = StringIO()
    call_command("demo_region", "--enterprises", "900", "--seed", "4", stdout=out)
    assert "matchmaking: 90 providers, 450 solutions, 150 needs" in out.getvalue()
    provider = Membership.objects.get(user__username="demo_provider").provider
    enterprise = Membership.objects.get(user__username="demo_enterprise").enterprise
    assert provider is not None and enterprise is not None
    assert Solution.objects.filter(provider=provider, status="published").count() == 8
    assert Proposal.objects.filter(provider=provider, status=ProposalStatus.REQUESTED).exists()
    assert Match.objects.filter(solution__provider=provider, need__status="open").exists()
    assert Deal.objects.filter(provider=provider).exists()
    needs = Need.objects.filter(enterprise=enterprise)
    assert needs.count() == 4
    assert Proposal.objects.filter(need__in=needs, status=ProposalStatus.SUBMITTED).count() >= 2
    assert Review.objects.exists() and Deal.objects.filter(status="delivered").exists()
    # Bulk rows skip full_clean; prove a sample would pass it.
    for row in [
        *Solution.objects.order_by("pk")[:20],
        *Need.objects.order_by("pk")[:20],
        *Deal.objects.all()[:10],
    ]:
        row.full_clean()
    assert AuditEvent.objects.filter(object_type="matching.solution").count() == Solution.objects.count()
