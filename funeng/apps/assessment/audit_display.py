"""How an assessment's audit values read: the framework by name, questions by their text, answers by option."""

from __future__ import annotations

from functools import cache
from typing import Any

from django.utils.translation import gettext_lazy as _

from engines.maturity import shipped_frameworks
from engines.maturity.framework import Question
from funeng.apps.assessment.frameworks import pick
from funeng.apps.audit.display import register_audit_display
from funeng.apps.core.i18n import active_language


def framework_text(value: Any) -> str | None:
    """ "<framework id> <version>" (or the id alone) as the framework's name and version."""
    if not isinstance(value, str) or not value:
        return None
    framework_id, _space, version = value.partition(" ")
    framework = shipped_frameworks().get(framework_id)
    if framework is None:
        return None
    name = pick(framework.name, active_language())
    return f"{name} {version}" if version else name


@cache
def _questions() -> dict[str, Question]:
    """Every shipped question by id; ids are unique across the frameworks (variants share theirs)."""
    found: dict[str, Question] = {}
    for framework in shipped_frameworks().values():
        for question in framework.questions:
            found.setdefault(question.id, question)
    return found


def question_label(question_id: str) -> str | None:
    question = _questions().get(question_id)
    return None if question is None else pick(question.text, active_language())


def answer_text(question_id: str, value: Any) -> str | None:
    """A chosen option's label; None for numbers and anything else that reads as it is."""
    question = _questions().get(question_id)
    if question is None or not isinstance(value, str):
        return None
    option = next((o for o in question.options if o.id == value), None)
    return None if option is None else pick(option.label, active_language())


def register() -> None:
    register_audit_display(
        "assessment.assessment",
        labels={"round": _("round"), "prefilled_answers": _("answers carried over"), "score": _("score")},
        values={"framework": framework_text},
        prefixes={"answers.": question_label},
        prefix_values={"answers.": answer_text},
    )
