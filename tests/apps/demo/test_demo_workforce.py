"""The demo's shared workforce: an active agreement with hours and one waiting for demo_worker."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings

from funeng.apps.demo.workforce import demo_workforce_create
from funeng.apps.shared_workforce.access import can_answer
from funeng.apps.shared_workforce.models import Agreement, DemandPost, SurplusPost

pytestmark = pytest.mark.django_db


def test_the_demo_region_has_posts_agreements_and_a_worker_to_confirm(django_user_model):
    with override_settings(DEBUG=True):
        call_command("demo_region", "--enterprises", "200", "--seed", "3", stdout=StringIO())
    active = Agreement.objects.get(status="active")
    assert active.hours.exists()
    waiting = Agreement.objects.get(status="proposed")
    worker_login = django_user_model.objects.get(username="demo_worker")
    assert waiting.worker.user == worker_login and can_answer(worker_login, waiting)
    assert "社会保险" in waiting.insurance_terms
    assert SurplusPost.objects.filter(region_code__startswith="33").count() >= 4
    assert DemandPost.objects.filter(enterprise__members__user__username="demo_enterprise").exists()
    # A second run adds nothing.
    assert demo_workforce_create(seed=3) == Agreement.objects.count() == 2
