"""Demo assessments: about 60% assessed, plausible by size and industry, T1 improves, results match the engine."""

from __future__ import annotations

import os
import statistics

import numpy as np
import pytest

from engines.maturity import get_framework
from engines.maturity.batch import answers_frame, score_frame
from funeng.apps.assessment.const import AssessmentStatus, EvidenceState
from funeng.apps.assessment.models import Answer, Assessment, AssessmentResult, Evidence
from funeng.apps.assessment.selectors import evidence_queue, region_overview
from funeng.apps.demo.assessments import demo_assessments_create
from funeng.apps.enterprises.models import Enterprise
from tests.conftest import make_credit_code

pytestmark = pytest.mark.django_db

SIZES = ["large", "medium", "small", "micro"]
INDUSTRIES = ["3484", "1751", "6513", "5191", "6110"]  # machinery, weaving, software, wholesale, hotels


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def enterprises():
    rng = np.random.default_rng(7)
    rows = [
        Enterprise(
            credit_code=make_credit_code("330106" if i % 3 else "320102", serial=10_000 + i),
            name=f"演示企业{i}",
            industry_code=INDUSTRIES[i % len(INDUSTRIES)],
            region_code="330106" if i % 3 else "320102",
            size_class=SIZES[int(rng.integers(0, 4))],
        )
        for i in range(400)
    ]
    return Enterprise.objects.bulk_create(rows)


def test_about_sixty_percent_are_assessed_and_some_re_assessed_with_progress(enterprises):
    counts = demo_assessments_create(seed=1, featured=enterprises[0])
    assessed = Assessment.objects.filter(round_index=0).values("enterprise_id").distinct().count()
    assert 0.5 * len(enterprises) < assessed < 0.7 * len(enterprises)
    assert counts.assessments == Assessment.objects.count() == AssessmentResult.objects.count()
    assert not Assessment.objects.filter(status=AssessmentStatus.DRAFT).exists()
    pairs = AssessmentResult.objects.filter(assessment__round_index=1).values_list(
        "score", "assessment__previous__result__score"
    )
    assert len(pairs) == counts.reassessed > 0.2 * assessed
    deltas = [later - earlier for later, earlier in pairs]
    assert statistics.mean(deltas) > 3 and sum(d >= 0 for d in deltas) > 0.9 * len(deltas)


def test_bigger_firms_and_software_firms_score_higher(enterprises):
    demo_assessments_create(seed=1, featured=enterprises[0])
    t0 = AssessmentResult.objects.filter(assessment__round_index=0)

    def mean(**filters):
        return statistics.mean(t0.filter(**filters).values_list("score", flat=True))

    assert (
        mean(assessment__enterprise__size_class="large")
        > mean(assessment__enterprise__size_class="micro") + 10
    )
    assert mean(assessment__enterprise__industry_code="6513") > mean(
        assessment__enterprise__industry_code="6110"
    )
    assert len(set(t0.values_list("level", flat=True))) >= 3, "the levels spread"


def test_stored_results_agree_with_the_batch_scorer_over_every_demo_assessment(enterprises):
    """The demo stores one-path results; the vectorized scorer, run over the stored answers, agrees."""
    demo_assessments_create(seed=1, featured=enterprises[0])
    assessments = list(Assessment.objects.select_related("result").order_by("id"))
    assert len(assessments) > 200  # the demo made them: an empty database would check nothing
    by_framework: dict[str, list[Assessment]] = {}
    for assessment in assessments:
        by_framework.setdefault(assessment.framework_id, []).append(assessment)
    for framework_id, group in by_framework.items():
        framework = get_framework(framework_id)
        responses = [dict(a.answers.values_list("question_id", "value")) for a in group]
        scored = score_frame(framework, answers_frame(framework, responses))
        stored = [(round(a.result.score, 6), a.result.level) for a in group]
        batch = [
            (round(score, 6), level) for score, level in zip(scored["score"], scored["level"], strict=True)
        ]
        assert stored == batch, framework_id


def test_demo_energy_figures_are_plausible_per_100_yuan_of_revenue(enterprises):
    demo_assessments_create(seed=1, featured=enterprises[0])
    values = list(Answer.objects.filter(question_id="energy_per_100_yuan").values_list("value", flat=True))
    assert len(values) > 50
    befores = [value["before"] for value in values]
    # China used about 0.55 kg of standard coal per 100 yuan of GDP around 2020; 40-80 was 100x that.
    assert min(befores) >= 0.1 and max(befores) <= 2.0


def test_the_featured_enterprise_has_t0_and_t1_and_evidence_in_every_state(enterprises):
    demo_assessments_create(seed=1, featured=enterprises[0])
    rounds = Assessment.objects.filter(enterprise=enterprises[0]).order_by("round_index")
    assert [a.round_label for a in rounds] == ["T0", "T1"]
    states = set(Answer.objects.filter(assessment=rounds[1]).values_list("evidence_state", flat=True))
    assert states == set(EvidenceState.values)
    assert Evidence.objects.filter(answer__assessment=rounds[1]).count() == 3
    rejected = Answer.objects.get(assessment=rounds[1], evidence_state=EvidenceState.REJECTED)
    assert rejected.review_reason


def test_the_region_dashboard_and_queue_are_populated(enterprises):
    demo_assessments_create(seed=1, featured=enterprises[0])
    hangzhou = Assessment.objects.filter(enterprise__region_code__startswith="3301")
    overview = region_overview(
        hangzhou, Enterprise.objects.filter(region_code__startswith="3301").count(), "miit-2024", "zh-hans"
    )
    assert overview.assessed > 100 and overview.reassessed > 0 and overview.mean_uplift > 0
    assert sum(n for _, _, n in overview.by_level) == overview.assessed
    items, total = evidence_queue(hangzhou, "zh-hans")
    assert total > 0 and items[0].files


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")),
    reason="planner statistics are PostgreSQL's; CI runs this file on PostgreSQL too",
)
def test_after_the_bulk_write_the_planner_sees_the_rows_before_autovacuum_does(enterprises):
    """Without ANALYZE the region dashboard's query planned for empty tables and ran for minutes."""
    from django.db import connection

    demo_assessments_create(seed=1, featured=enterprises[0])
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [Assessment._meta.db_table])
        (estimate,) = cursor.fetchone()
    assert estimate >= 0.9 * Assessment.objects.count() > 0
