import pytest

from tests.support.workforce import make_world


@pytest.fixture
def world(enterprise_fields):
    return make_world(enterprise_fields)
