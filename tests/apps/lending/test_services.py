"""Lending services: apply with one consent, decide with reasons, repayments, the interest subsidy and its approval."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from funeng.apps.audit.models import AuditEvent
from funeng.apps.consents.models import Consent, ConsentRead
from funeng.apps.consents.services import consent_revoke
from funeng.apps.lending.assessment import applicant_facts
from funeng.apps.lending.models import Loan, LoanApplication, Repayment, SubsidyApproval
from funeng.apps.lending.selectors import subsidy_by_bank_month, subsidy_frame
from funeng.apps.lending.services import (
    application_decide,
    application_submit,
    application_withdraw,
    bank_read_application,
    repayment_record,
    subsidy_approve,
)
from tests.apps.lending.conftest import cloud_product

pytestmark = pytest.mark.django_db


def apply(world, actor="enterprise_a", **changes):
    fields = {"amount": Decimal(500_000), "term_months": 24, "purpose": "购置智能设备"} | changes
    return application_submit(actor=world[actor], product=world["product"], **fields)


def months_ago(months: int) -> dt.date:
    today = timezone.localdate()
    index = today.year * 12 + today.month - 1 - months
    return dt.date(index // 12, index % 12 + 1, 1)


def test_applying_grants_one_consent_for_the_products_categories_and_scores_the_application(world):
    application = apply(world)
    consent = application.consent
    assert consent.institution == world["bank"] and consent.enterprise == world["a"]
    assert set(consent.categories) == {"profile", "financials", "digital"}
    card = application.assessment["scorecard"]
    assert 300 < card["score"] < 900 and 0 < card["pd"] < 1 and card["demo"] is True
    assert len(card["reasons"]) <= 4 and all(r["points_lost"] > 0 for r in card["reasons"])
    assert application.assessment["facts"]["cloud_spend_12m_cny"] == 60_000.0
    assert application.assessment["facts"]["liabilities_ratio"] == 0.375
    assert Decimal(application.assessment["collateral"]["recognised_cny"]) > 0
    assert AuditEvent.objects.filter(
        object_type="lending.loanapplication", object_id=str(application.pk)
    ).exists()


def test_an_existing_consent_that_covers_the_product_is_reused(world):
    from tests.support.consents import grant

    existing = grant(world, categories=["profile", "financials", "digital", "innovation"])
    assert apply(world).consent == existing
    assert Consent.objects.count() == 1


def test_a_second_application_while_one_is_open_is_refused_and_creates_nothing(world):
    apply(world)
    with pytest.raises(ValidationError) as error:
        apply(world)
    assert "product" in error.value.message_dict
    assert LoanApplication.objects.count() == 1 and Consent.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"amount": Decimal(10)}, "amount"),
        ({"amount": "五十万"}, "amount"),
        ({"term_months": 48}, "term_months"),
        ({"purpose": ""}, "purpose"),
    ],
)
def test_bad_applications_name_the_field_and_write_nothing(world, changes, field):
    with pytest.raises(ValidationError) as error:
        apply(world, **changes)
    assert field in error.value.message_dict
    assert LoanApplication.objects.count() == 0 and Consent.objects.count() == 0


@pytest.mark.parametrize("actor", ["enterprise_a_colleague", "banker", "official", "provider"])
def test_only_an_enterprise_administrator_applies(world, actor):
    with pytest.raises(PermissionDenied):
        apply(world, actor=actor)


def test_the_bank_sees_only_consented_categories(world):
    facts = applicant_facts(world["a"], {"profile"}, timezone.localdate())
    assert facts["employees"] == 350 and facts["industry_section"] == "C"
    assert facts["revenue_cny"] is None and facts["cloud_spend_12m_cny"] is None


def test_decisions_approve_reject_and_ask_and_only_once(world):
    application = apply(world)
    with pytest.raises(PermissionDenied):
        application_decide(
            actor=world["other_banker"], application=application, decision="approve", amount=1, rate=3
        )
    with pytest.raises(ValidationError) as error:
        application_decide(actor=world["banker"], application=application, decision="reject")
    assert "note" in error.value.message_dict
    asked = application_decide(
        actor=world["banker"], application=application, decision="more_info", note="请补充近两年财务报表"
    )
    assert asked.status == "more_info"
    with pytest.raises(ValidationError) as error:
        application_decide(
            actor=world["banker"],
            application=application,
            decision="approve",
            amount=Decimal(900_000),
            rate=Decimal("3.5"),
        )
    assert "amount" in error.value.message_dict  # more than was asked for
    approved = application_decide(
        actor=world["banker"],
        application=application,
        decision="approve",
        amount=Decimal(400_000),
        rate=Decimal("3.5"),
    )
    assert approved.status == "approved" and approved.loan.amount_cny == Decimal(400_000)
    with pytest.raises(ValidationError) as error:
        application_decide(actor=world["banker"], application=application, decision="reject", note="x")
    assert error.value.code == "decided"
    assert Loan.objects.count() == 1


def test_withdraw_only_while_open_and_only_by_the_enterprise(world):
    application = apply(world)
    with pytest.raises(PermissionDenied):
        application_withdraw(actor=world["banker"], application=application)
    assert application_withdraw(actor=world["enterprise_a"], application=application).status == "withdrawn"
    with pytest.raises(ValidationError):
        application_withdraw(actor=world["enterprise_a"], application=application)
    apply(world)  # a withdrawn application does not block a new one


def test_a_bank_reading_after_the_consent_is_revoked_is_refused_and_logged(world):
    application = apply(world)
    assert bank_read_application(actor=world["banker"], application=application) is True
    assert ConsentRead.objects.filter(channel="web", reader=world["banker"]).count() == 1
    consent_revoke(actor=world["enterprise_a"], consent=application.consent)
    assert bank_read_application(actor=world["banker"], application=application) is False
    refused = ConsentRead.objects.get(channel="refused")
    assert refused.consent == application.consent and refused.reader == world["banker"]


def _loan(world, months: int = 6, amount: Decimal = Decimal(1_000_000)):
    application = apply(world, amount=amount)
    application_decide(
        actor=world["banker"], application=application, decision="approve", amount=amount, rate=Decimal("3.6"),
        disbursed_on=months_ago(months),
    )  # fmt: skip
    return Loan.objects.get(application=application)


def test_repayments_once_a_month_and_a_default_ends_the_loan(world):
    loan = _loan(world)
    repayment_record(
        actor=world["banker"], loan=loan, month=months_ago(5), interest=3000, principal=0, status="on_time"
    )
    with pytest.raises(ValidationError) as error:
        repayment_record(
            actor=world["banker"],
            loan=loan,
            month=months_ago(5),
            interest=3000,
            principal=0,
            status="on_time",
        )
    assert "month" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        repayment_record(
            actor=world["banker"], loan=loan, month=months_ago(9), interest=1, principal=0, status="on_time"
        )
    assert "month" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        repayment_record(
            actor=world["other_banker"],
            loan=loan,
            month=months_ago(4),
            interest=1,
            principal=0,
            status="on_time",
        )
    repayment_record(
        actor=world["banker"], loan=loan, month=months_ago(4), interest=0, principal=0, status="defaulted"
    )
    loan.refresh_from_db()
    assert loan.status == "defaulted" and Repayment.objects.count() == 2


def test_the_subsidy_is_half_the_interest_and_both_paths_agree_and_approval_happens_once(world):
    loan = _loan(world)
    for months in (5, 4, 3):
        repayment_record(
            actor=world["banker"], loan=loan, month=months_ago(months), interest=Decimal("3000.01"), principal=0,
            status="on_time",
        )  # fmt: skip
    today = timezone.localdate()
    rows = subsidy_by_bank_month("33", today)
    # 3000.01 × 50 % = 1500.005: the running total rounds half to even, so no fen is lost or made.
    assert [row.amount for row in sorted(rows, key=lambda r: r.month)] == [
        Decimal("1500.00"), Decimal("1500.01"), Decimal("1500.01"),
    ]  # fmt: skip
    frame = subsidy_frame("33", today)
    assert sum(frame["subsidy_cny"].to_list()) == sum(row.amount for row in rows) == Decimal("4500.02")
    assert subsidy_by_bank_month("32", today) == []  # Nanjing's officials see nothing of it
    row = rows[0]
    subsidy_approve(
        actor=world["official"], institution=world["bank"], month=row.month, amount=row.amount, loans=1
    )
    with pytest.raises(ValidationError):
        subsidy_approve(
            actor=world["official"], institution=world["bank"], month=row.month, amount=row.amount, loans=1
        )
    with pytest.raises(PermissionDenied):
        subsidy_approve(
            actor=world["banker"], institution=world["bank"], month=row.month, amount=row.amount, loans=1
        )
    assert SubsidyApproval.objects.count() == 1


def test_no_subsidy_for_an_enterprise_outside_the_programmes_conditions(world):
    a = world["a"]
    a.clean_record_3y = False
    a.save()
    loan = _loan(world)
    repayment_record(
        actor=world["banker"], loan=loan, month=months_ago(5), interest=3000, principal=0, status="on_time"
    )
    assert subsidy_by_bank_month("33", timezone.localdate()) == []


def test_a_product_names_a_real_programme_with_an_amount(world):
    with pytest.raises(ValidationError) as error:
        cloud_product(world, name="错误", subsidy_programme="no-such-programme")
    assert "subsidy_programme" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        cloud_product(world, name="错误二", subsidy_programme="srdi-zhejiang")
    assert "subsidy_programme" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        cloud_product(world, name="云量贷")
    assert "name" in error.value.message_dict
