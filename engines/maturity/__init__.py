"""Digital-maturity engine: frameworks as data, one-response scoring with explanations, batch scoring."""

from engines.maturity.batch import answer_schema, answers_frame, score_frame, validate_frame
from engines.maturity.framework import (
    Framework,
    FrameworkError,
    get_framework,
    load_framework_file,
    load_frameworks,
    scenario_taxonomy,
    shipped_frameworks,
    solution_categories,
)
from engines.maturity.scoring import AnswerError, FieldError, MaturityResult, score_response, validate_answers

__all__ = [
    "AnswerError",
    "FieldError",
    "Framework",
    "FrameworkError",
    "MaturityResult",
    "answer_schema",
    "answers_frame",
    "get_framework",
    "load_framework_file",
    "load_frameworks",
    "scenario_taxonomy",
    "score_frame",
    "score_response",
    "shipped_frameworks",
    "solution_categories",
    "validate_answers",
    "validate_frame",
]
