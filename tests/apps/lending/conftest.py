"""The lending world: A (Hangzhou) and B (Nanjing), a bank with a scorecard and a 云量贷 product, another bank."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from engines.credit.fit import fit_scorecard
from engines.credit.synthetic import BAD, TARGET, loan_book
from funeng.apps.consents.models import FinancialInstitution
from funeng.apps.finance.const import Provenance, ServiceCategory
from funeng.apps.finance.models import CloudUsageRecord
from funeng.apps.lending.services import product_save, scorecard_store
from tests.support.consents import make_consent_world
from tests.support.personas import official


@pytest.fixture(scope="session")
def scorecard_model() -> dict[str, Any]:
    """A demo scorecard fitted once for the session (fitting takes a second or two)."""
    return fit_scorecard(loan_book(3_000, 5), TARGET, BAD, demo=True).model.as_dict()


def cloud_product(world: dict[str, Any], **changes: Any):
    data = {
        "name": "云量贷",
        "kind": "cloud_credit",
        "annual_rate": Decimal("3.65"),
        "min_amount_cny": Decimal(100_000),
        "max_amount_cny": Decimal(3_000_000),
        "term_months": 36,
        "required_categories": ["profile", "financials", "digital"],
        "subsidy_programme": "zj-cloud-loan-subsidy",
        "scorecard": world["scorecard"],
    } | changes
    return product_save(actor=world["banker"], institution=world["bank"], data=data)


@pytest.fixture
def world(enterprise_fields, scorecard_model) -> dict[str, Any]:
    people = make_consent_world(enterprise_fields)
    a = people["a"]
    a.clean_record_3y = True
    a.liabilities_cny = Decimal(30_000_000)
    a.save()
    people["scorecard"] = scorecard_store(
        actor=people["banker"],
        institution=people["bank"],
        name="演示评分卡",
        model=scorecard_model,
        demo=True,
    )
    people["product"] = cloud_product(people)
    people["nanjing_official"] = official("gov_nj", "320100")
    today = dt.date.today()
    for months_back in range(1, 7):
        index = today.year * 12 + today.month - 1 - months_back
        CloudUsageRecord.objects.create(
            enterprise=a,
            provider_name="之江云（测试）",
            month=dt.date(index // 12, index % 12 + 1, 1),
            service_category=ServiceCategory.COMPUTE,
            amount_cny=Decimal(10_000),
            provenance=Provenance.PROVIDER_REPORTED,
        )
    assert FinancialInstitution.objects.count() == 2
    return people
