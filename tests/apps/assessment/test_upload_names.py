"""An uploaded file's name is kept whole or refused with a message, never cut short (issue 19, item 20)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from funeng.apps.assessment.models import Evidence
from tests.apps.assessment.test_assessment_access import world as world  # noqa: F401  (the fixture)
from tests.apps.assessment.test_evidence_preview import _attach
from tests.apps.assessment.test_evidence_preview import media as media  # noqa: F401  (the fixture)
from tests.support.assessment import PDF_BYTES

pytestmark = pytest.mark.django_db


def test_a_file_name_too_long_is_refused_with_a_message_not_cut_short(world):
    name = "设备台账" * 60 + ".pdf"  # 244 characters
    with pytest.raises(ValidationError) as error:
        _attach(world, name, PDF_BYTES)
    assert error.value.error_dict["file"][0].code == "name_too_long"
    assert "244" in error.value.messages[0] and "200" in error.value.messages[0]
    assert not Evidence.objects.filter(answer__question_id="network").exists()
    kept = _attach(world, "设备台账" * 49 + ".pdf", PDF_BYTES)  # 200 characters: kept whole
    assert len(kept.original_name) == 200 and kept.original_name.endswith(".pdf")
