import pytest

from tests.support.supply_chain import make_world


@pytest.fixture
def world(enterprise_fields, frozen_today):
    return make_world(enterprise_fields)
