"""Demo assessments: about 60% of the demo enterprises assessed, some re-assessed with progress.

Each enterprise gets a latent maturity from its size class and industry (bigger firms, software and
manufacturing score higher), and every answer is drawn around it, so levels look plausible in the
regional dashboards. Results come from the engine's one path, exactly as a real submission stores
them; rows are written with bulk_create (thousands of assessments take a few seconds).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass

import numpy as np
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils import timezone

from engines import ENGINE_VERSION
from engines.maturity import Framework, get_framework
from engines.maturity.framework import Question
from funeng.apps.assessment.const import ENGINE_EVIDENCE_STATE, EVIDENCE_DIR, AssessmentStatus, EvidenceState
from funeng.apps.assessment.frameworks import is_manufacturer
from funeng.apps.assessment.models import Answer, Assessment, AssessmentResult, Evidence
from funeng.apps.assessment.services import result_scored
from funeng.apps.audit.models import AuditAction
from funeng.apps.audit.services import audit_record_many
from funeng.apps.core.db import planner_statistics_refresh
from funeng.apps.enterprises.models import Enterprise

SHARE_ASSESSED = 0.6
SHARE_REASSESSED = 0.3  # of the assessed
SHARE_WITH_EVIDENCE = 0.06  # of submitted rounds
BATCH = 5000
SIZE_BASE = {"large": 0.72, "medium": 0.58, "small": 0.44, "micro": 0.3, "undetermined": 0.34, "": 0.34}
# GB/T 4754 divisions whose firms lean digital (software and IT services, R&D) or lean manual.
DIVISION_BONUS = {"63": 0.1, "64": 0.12, "65": 0.14, "73": 0.08, "74": 0.06, "75": 0.06}
DIVISION_MALUS = {
    "01": -0.1,
    "02": -0.1,
    "03": -0.1,
    "05": -0.08,
    "61": -0.08,
    "62": -0.08,
    "47": -0.06,
    "48": -0.06,
}
MANUFACTURING_BONUS = 0.05
DEMO_REASON_REJECTED = "材料未盖章，请上传盖章版本（演示数据）"
# A one-page PDF every demo evidence row points at (written once; real uploads get random names).
# v2: a page that says what it is, so that the evidence preview shows something.
DEMO_PDF_NAME = "demo-evidence-v2.pdf"


def _sample_pdf() -> bytes:
    """A one-page A4 PDF in the standard Helvetica font (nothing embedded) saying it is a demo sample."""
    text = [
        (28, 740, "Funeng demo region"),
        (20, 700, "Sample evidence file"),
        (14, 640, "This is not a real document: the demo attaches"),
        (14, 618, "the same sample to every answer that asks for evidence."),
    ]
    ops = ["0.75 0.25 0.05 RG 4 w 40 40 515 762 re S"]
    ops += [f"BT /F1 {size} Tf 70 {y} Td ({line}) Tj ET" for size, y, line in text]
    stream = "\n".join(ops).encode("ascii")
    objects = [
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Resources<</Font<</F1 5 0 R>>>>/Contents 4 0 R>>",
        b"<</Length %d>>stream\n" % len(stream) + stream + b"\nendstream",
        b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj" % number + body + b"endobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


DEMO_PDF = _sample_pdf()


@dataclass(frozen=True)
class _Plan:
    """One assessed enterprise: its framework, latent level, T1 gain and per-question noise."""

    enterprise: Enterprise
    framework: Framework
    level: float
    gain: float
    noise: np.ndarray
    jitter: np.ndarray
    reassess: bool


@dataclass(frozen=True)
class DemoAssessments:
    assessments: int
    reassessed: int
    answers: int
    evidence: int


def latent_maturity(size_class: str, industry_code: str, noise: float) -> float:
    """0..1: how digital the firm is, from size class and industry plus noise."""
    base = SIZE_BASE.get(size_class, 0.34)
    division = industry_code[:2]
    base += DIVISION_BONUS.get(division, 0.0) + DIVISION_MALUS.get(division, 0.0)
    if is_manufacturer(industry_code):
        base += MANUFACTURING_BONUS
    return float(np.clip(base + noise, 0.02, 0.97))


def _number_in_bands(q: Question, u: float, jitter: float) -> float:
    """A value from the band that quantile u points at, spread inside the band."""
    bands = q.bands
    index = min(int(u * len(bands)), len(bands) - 1)
    band = bands[index]
    low = band.lower if band.lower is not None else (q.min_value or 0.0)
    high = band.upper if band.upper is not None else low * 1.5 + 5
    if q.max_value is not None:
        high = min(high, q.max_value)
    return round(low + (high - low) * jitter * 0.999, 2)


# Plausible "before" values by unit. Energy: China used about 0.55 t of standard coal per 10,000
# yuan of GDP around 2020 (about 0.55 kg per 100 yuan); a manufacturer's revenue exceeds its value
# added, so 0.2-1.5 kg per 100 yuan of revenue is a plausible spread (demo data, not statistics).
TYPICAL_BEFORE = {"千克标准煤/百元营收": (0.2, 1.5)}


def demo_answers(
    framework: Framework, level: float, noise: np.ndarray, jitter: np.ndarray
) -> dict[str, object]:
    """A complete valid response around a latent level; noise and jitter are per question (same in T0 and T1)."""
    answers: dict[str, object] = {}
    for i, q in enumerate(framework.questions):
        u = float(np.clip(level + noise[i], 0.0, 0.999))
        if q.type == "single":
            options = sorted(q.options, key=lambda o: o.score)
            answers[q.id] = options[int(u * len(options))].id
        elif q.type == "multiple":
            plain = [o for o in q.options if not o.exclusive]
            count = int(round(u * len(plain)))
            chosen = [o.id for o in plain[:count]]
            exclusive = [o.id for o in q.options if o.exclusive]
            answers[q.id] = chosen or exclusive[:1]
        elif q.type == "number":
            answers[q.id] = _number_in_bands(q, u, float(jitter[i]))
        elif q.type == "before_after":
            improvement = (u * 30.0 - 4.0) / 100.0  # weak firms sometimes got worse
            high = q.max_value if q.max_value is not None else 200.0
            low_before, high_before = TYPICAL_BEFORE.get(q.unit, (40.0, 80.0))
            before = round(min(low_before + (high_before - low_before) * float(jitter[i]), high * 0.8), 2)
            factor = 1 - improvement if q.direction == "decrease" else 1 + improvement
            answers[q.id] = {"before": before, "after": round(min(before * factor, high), 2)}
        else:
            answers[q.id] = min(int(u * 5), 4)
    return answers


def _result(
    framework: Framework, assessment: Assessment, answers: dict[str, object], states: dict[str, str]
) -> AssessmentResult:
    engine_states = {k: ENGINE_EVIDENCE_STATE[EvidenceState(v)] for k, v in states.items()}
    row = result_scored(framework, assessment, answers, engine_states)
    row.scored_at = assessment.submitted_at or timezone.now()
    return row


def _evidence_states(rng: np.random.Generator, framework: Framework, forced: bool) -> dict[str, str]:
    """A few answers backed by evidence: attached (waiting), verified, or rejected."""
    if not forced and rng.random() >= SHARE_WITH_EVIDENCE:
        return {}
    ids = [q.id for q in framework.questions]
    picked = rng.choice(len(ids), size=3, replace=False)
    states = [EvidenceState.EVIDENCE_ATTACHED, EvidenceState.VERIFIED, EvidenceState.REJECTED]
    if not forced:
        states = [states[int(k)] for k in rng.choice(3, size=3, p=[0.5, 0.4, 0.1])]
    return {ids[int(p)]: str(s) for p, s in zip(picked, states, strict=True)}


@transaction.atomic
def demo_assessments_create(
    *, seed: int = 1, featured: Enterprise | None = None, now: dt.datetime | None = None
) -> DemoAssessments:
    """Submitted assessments for about 60% of the enterprises (T1 for some); `featured` always gets T0 and T1.

    By default the featured enterprise is the one the demo login `demo_enterprise` acts for.
    """
    now = now or timezone.now()
    if featured is None:
        featured = _demo_login_enterprise()
    rng = np.random.default_rng(seed + 400)
    rows = list(
        Enterprise.objects.order_by("id").values_list(
            "id", "industry_code", "size_class", "region_code", "name"
        )
    )
    chosen = rng.random(len(rows)) < SHARE_ASSESSED
    again = rng.random(len(rows)) < SHARE_REASSESSED
    frameworks = {key: get_framework(f"miit-2024-{key}") for key in ("manufacturing", "services")}
    width = max(len(f.questions) for f in frameworks.values())
    evidence_pdf = f"{EVIDENCE_DIR}/{DEMO_PDF_NAME}"
    if not default_storage.exists(evidence_pdf):  # one shared file, however often the demo is loaded
        evidence_pdf = default_storage.save(evidence_pdf, ContentFile(DEMO_PDF))

    plans: list[_Plan] = []
    for index, (pk, industry_code, size_class, region_code, name) in enumerate(rows):
        is_featured = featured is not None and pk == featured.pk
        noise = rng.normal(0.0, 0.12)
        question_noise = rng.normal(0.0, 0.16, width)
        jitter = rng.random(width)
        gain = float(rng.uniform(0.06, 0.25))
        if not (chosen[index] or is_featured):
            continue
        framework = frameworks["manufacturing" if is_manufacturer(industry_code) else "services"]
        enterprise = Enterprise(
            pk=pk, industry_code=industry_code, size_class=size_class, region_code=region_code, name=name
        )
        level = latent_maturity(size_class, industry_code, noise)
        plans.append(
            _Plan(
                enterprise, framework, level, gain, question_noise, jitter, bool(again[index]) or is_featured
            )
        )

    t0s: list[Assessment] = []
    for plan in plans:
        submitted_at = now - dt.timedelta(days=int(rng.integers(200, 420)))
        t0s.append(_assessment(plan.enterprise, plan.framework, 0, None, submitted_at))
    Assessment.objects.bulk_create(t0s, batch_size=BATCH)
    t1s: list[Assessment] = []
    t1_plans = []
    for plan, t0 in zip(plans, t0s, strict=True):
        if plan.reassess:
            submitted_at = now - dt.timedelta(days=int(rng.integers(5, 150)))
            t1s.append(_assessment(plan.enterprise, plan.framework, 1, t0, submitted_at))
            t1_plans.append(plan)
    Assessment.objects.bulk_create(t1s, batch_size=BATCH)

    plain: list[tuple[int, str, object]] = []  # self-declared answers: (assessment id, question id, value)
    results: list[AssessmentResult] = []
    waiting: list[Answer] = []
    rounds = [(plan, t0, 0.0) for plan, t0 in zip(plans, t0s, strict=True)]
    rounds += [(plan, t1, plan.gain) for plan, t1 in zip(t1_plans, t1s, strict=True)]
    for plan, assessment, gain in rounds:
        framework = plan.framework
        is_featured = featured is not None and plan.enterprise.pk == featured.pk
        values = demo_answers(framework, min(plan.level + gain, 0.98), plan.noise, plan.jitter)
        states = _evidence_states(rng, framework, forced=is_featured and assessment.round_index == 1)
        results.append(_result(framework, assessment, values, states))
        for question_id, value in values.items():
            state = states.get(question_id)
            if state is None:
                plain.append((assessment.pk, question_id, value))
                continue
            reviewed = state in (EvidenceState.VERIFIED, EvidenceState.REJECTED)
            waiting.append(
                Answer(
                    assessment=assessment,
                    question_id=question_id,
                    value=value,
                    evidence_state=state,
                    reviewed_at=assessment.submitted_at if reviewed else None,
                    review_reason=DEMO_REASON_REJECTED if state == EvidenceState.REJECTED else "",
                )
            )
    AssessmentResult.objects.bulk_create(results, batch_size=BATCH)
    # Answers backed by evidence go through the ORM (their keys are needed); the other ~100k rows
    # are plain INSERTs: model instances and per-field preparation would take most of the run.
    Answer.objects.bulk_create(waiting, batch_size=BATCH)
    _insert_answers(plain, now)
    digest = hashlib.sha256(DEMO_PDF).hexdigest()
    evidence = [
        Evidence(
            answer=answer,
            file=evidence_pdf,
            original_name=f"{answer.question_id}-证明材料.pdf",
            kind="pdf",
            size=len(DEMO_PDF),
            sha256=digest,
        )
        for answer in waiting
    ]
    Evidence.objects.bulk_create(evidence, batch_size=BATCH)
    audit_record_many(
        actor=None,
        action=AuditAction.CREATE,
        objects=(
            (
                a,
                {
                    "framework": [None, f"{a.framework_id} {a.framework_version}"],
                    "round": [None, a.round_label],
                    "status": [None, AssessmentStatus.SUBMITTED],  # by "system": the demo generator
                },
            )
            for a in [*t0s, *t1s]
        ),
    )
    planner_statistics_refresh(Assessment, AssessmentResult, Answer, Evidence, Enterprise)
    return DemoAssessments(len(t0s) + len(t1s), len(t1s), len(plain) + len(waiting), len(evidence))


def _insert_answers(answers: list[tuple[int, str, object]], now: dt.datetime) -> None:
    """INSERT self-declared answers in batches of plain parameter tuples."""
    table = Answer._meta.db_table
    columns = ["assessment_id", "question_id", "value", "evidence_state", "review_reason", "updated_at"]
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(table)} ({', '.join(quote(c) for c in columns)}) "
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    stamp = connection.ops.adapt_datetimefield_value(now)
    state = str(EvidenceState.SELF_DECLARED)
    with connection.cursor() as cursor:
        for start in range(0, len(answers), BATCH):
            cursor.executemany(
                sql,
                [
                    (assessment_id, question_id, json.dumps(value, ensure_ascii=False), state, "", stamp)
                    for assessment_id, question_id, value in answers[start : start + BATCH]
                ],
            )


def _assessment(
    enterprise: Enterprise,
    framework: Framework,
    round_index: int,
    previous: Assessment | None,
    submitted_at: dt.datetime,
) -> Assessment:
    return Assessment(
        enterprise=enterprise,
        framework_id=framework.id,
        framework_family=framework.family,
        framework_version=framework.version,
        engine_version=ENGINE_VERSION,
        round_index=round_index,
        status=AssessmentStatus.SUBMITTED,
        previous=previous,
        started_at=submitted_at - dt.timedelta(days=2),
        submitted_at=submitted_at,
    )


def _demo_login_enterprise() -> Enterprise | None:
    # the same choice demo_users_create makes for demo_enterprise
    from funeng.apps.demo.users import _two_enterprises

    try:
        return _two_enterprises()[0]
    except LookupError:
        return None
