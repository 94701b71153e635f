"""Property-based run of the consent operations with all of schemathesis' checks (see test_api_schemathesis).

Sent with the enterprise administrator's and the bank's tokens, so that grants and revocations reach
the service layer, and half of the positive cases name a consent that exists.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from tests.apps.api.test_api_schemathesis import (
    EXAMPLES_PER_OPERATION,
    OPERATIONS,
    keep_the_test_connection_open,  # noqa: F401 (an autouse fixture, active once imported)
)
from tests.support.api import bearer
from tests.support.consents import grant, make_consent_world

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]

CONSENT_OPERATIONS = [
    operation for operation in OPERATIONS if operation.label.split()[1].startswith("/api/v1/consents")
]


def test_the_schema_lists_the_consent_operations():
    assert {operation.label for operation in CONSENT_OPERATIONS} == {
        "GET /api/v1/consents",
        "POST /api/v1/consents",
        "GET /api/v1/consents/{consent_id}",
        "POST /api/v1/consents/{consent_id}/revoke",
        "GET /api/v1/consents/{consent_id}/reads",
    }


@pytest.mark.parametrize("operation", CONSENT_OPERATIONS, ids=lambda operation: operation.label)
@pytest.mark.parametrize("persona", ["enterprise_a", "banker"])
def test_every_consent_operation_passes_every_check(operation, persona, enterprise_fields):
    world = make_consent_world(enterprise_fields)
    consent = grant(world)
    headers = {"Authorization": bearer(world[persona])["HTTP_AUTHORIZATION"]}
    strategies = [
        operation.as_strategy(GenerationMode.POSITIVE),
        operation.as_strategy(GenerationMode.NEGATIVE),
    ]
    if operation.path_parameters:
        strategies.append(
            operation.as_strategy(GenerationMode.POSITIVE, path_parameters={"consent_id": consent.pk})
        )
    if operation.method.upper() == "POST" and not operation.path_parameters:
        strategies.append(
            operation.as_strategy(
                GenerationMode.POSITIVE,
                body={
                    "enterprise_id": world["a"].pk,
                    "institution_id": world["bank"].pk,
                    "categories": ["profile"],
                    "valid_until": consent.valid_until.isoformat(),
                },
            )
        )

    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
    )
    @given(case=st.one_of(strategies))
    def check(case) -> None:
        case.call_and_validate(headers=headers)

    check()
