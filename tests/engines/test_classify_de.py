"""Digital-economy classes of GB/T 4754 classes (provisional mapping)."""

import pytest

from engines.classify import digital_economy_class
from engines.reference.errors import UnknownCodeError


def test_it_puts_software_development_in_the_core():
    result = digital_economy_class("6513")
    assert result.core and result.provisional
    assert [(m.code, m.partial) for m in result.classes] == [("030103", False)]


def test_it_marks_efficiency_classes_partial_and_not_core():
    result = digital_economy_class("3484")
    assert not result.core
    assert result.classes and all(m.category == "05" and m.partial for m in result.classes)


def test_it_returns_no_class_for_industries_outside_the_classification():
    result = digital_economy_class("9700")
    assert result.classes == () and not result.core


def test_it_does_not_double_count_a_wholly_core_class_as_efficiency():
    assert [m.category for m in digital_economy_class("3911").classes] == ["01"]


def test_it_rejects_unknown_codes():
    with pytest.raises(UnknownCodeError):
        digital_economy_class("39")
