"""A bank's decision reaches the enterprise's inbox once, with the bank's words, in both languages."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from funeng.apps.audit.models import AuditEvent
from funeng.apps.lending.services import application_decide, application_submit
from funeng.apps.notifications.models import Notification

pytestmark = pytest.mark.django_db


def apply(world):
    return application_submit(
        actor=world["enterprise_a"],
        product=world["product"],
        amount=Decimal(500_000),
        term_months=24,
        purpose="购置智能设备",
    )


def messages_of(enterprise) -> list[Notification]:
    return list(Notification.objects.filter(enterprise=enterprise).order_by("id"))


def test_each_decision_is_told_once_with_the_banks_words_in_both_languages(world):
    application = apply(world)
    assert messages_of(world["a"]) == []  # applying tells the enterprise nothing it did not do
    with pytest.raises(PermissionDenied):
        application_decide(
            actor=world["other_banker"], application=application, decision="approve", amount=1, rate=3
        )
    with pytest.raises(ValidationError):
        application_decide(actor=world["banker"], application=application, decision="reject")
    assert messages_of(world["a"]) == []  # refused decisions send nothing

    application_decide(
        actor=world["banker"], application=application, decision="more_info", note="请补充近两年财务报表"
    )
    application_decide(
        actor=world["banker"],
        application=application,
        decision="approve",
        amount=Decimal(400_000),
        rate=Decimal("3.5"),
    )
    with pytest.raises(ValidationError):  # a double submit of the decision
        application_decide(actor=world["banker"], application=application, decision="reject", note="x")

    asked, approved = messages_of(world["a"])
    link = reverse("lending:application", args=[application.pk])
    assert asked.topic == approved.topic == "lending" and asked.link == approved.link == link
    assert "请补充近两年财务报表" in asked.body and "请补充近两年财务报表" in asked.body_en
    assert "甲银行杭州分行" in asked.title and "asks for more information" in asked.title_en
    assert "400,000.00" in approved.body and "3.5" in approved.body and "24" in approved.body
    assert "approved" in approved.title_en and "批准" in approved.title
    assert messages_of(world["b"]) == []
    created = AuditEvent.objects.filter(object_type="notifications.notification", action="create")
    assert created.count() == 2


def test_a_rejection_carries_the_reasons(world):
    application = apply(world)
    application_decide(
        actor=world["banker"], application=application, decision="reject", note="经营年限不足一年"
    )
    (message,) = messages_of(world["a"])
    assert "经营年限不足一年" in message.body and "declined" in message.title_en
