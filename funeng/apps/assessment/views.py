"""Assessment pages: the enterprise's rounds, the wizard with autosave, reports and PDF, the region, the queue."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from engines.maturity import shipped_frameworks
from engines.reference.regions import region_table
from funeng.apps.assessment.access import (
    access_answer_for_user,
    access_assessment_for_user,
    access_evidence_for_user,
    assessments_visible_to,
    can_answer,
    can_review_evidence,
    can_see_answers,
    can_see_region,
)
from funeng.apps.assessment.const import (
    DEFAULT_FAMILY,
    EVIDENCE_KINDS,
    EVIDENCE_MAX_BYTES,
    AssessmentStatus,
    EvidenceState,
)
from funeng.apps.assessment.forms import EvidenceForm, ReviewForm, StartForm
from funeng.apps.assessment.frameworks import pick, suggested_framework_id
from funeng.apps.assessment.models import Assessment, Evidence
from funeng.apps.assessment.presentation import answer_from_post, answer_text, field_error_text
from funeng.apps.assessment.selectors import (
    evidence_queue,
    level_names,
    region_list,
    region_overview,
    report_of,
    rounds_of,
    wizard_steps,
)
from funeng.apps.assessment.services import (
    AnswersInvalid,
    assessment_answer_save,
    assessment_read_log,
    assessment_start,
    assessment_submit,
    evidence_attach,
    evidence_review,
    framework_of,
)
from funeng.apps.assessment.tasks import REPORTS_PDF
from funeng.apps.consents.const import ReadChannel
from funeng.apps.core.const import Role
from funeng.apps.core.i18n import active_language
from funeng.apps.core.identity import is_platform_admin, membership_of, role_of
from funeng.apps.core.pages import submit_once
from funeng.apps.core.pdf_pages import MAX_PAGES as MAX_PREVIEW_PAGES
from funeng.apps.core.pdf_pages import PdfUnreadable, pdf_page_count, pdf_page_png
from funeng.apps.core.uploads import stored_file_response, untrusted_headers
from funeng.apps.enterprises.access import access_enterprise_for_user, enterprises_visible_to
from funeng.apps.tasks.services import task_enqueue

REVIEW_STEP = "review"


def _messages(error: ValidationError) -> str:
    return " ".join(str(m) for m in error.messages)


# --- the enterprise's rounds ------------------------------------------------------------------


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Enterprises: their rounds; officials and administrators: the region; banks: consented results."""
    role = role_of(request.user)
    if role in (Role.OFFICIAL, Role.ADMIN) and can_see_region(request.user):
        return redirect("assessment:region")
    if role == Role.BANK:
        return _bank_list(request)
    membership = membership_of(request.user)
    if role != Role.ENTERPRISE or membership is None or membership.enterprise_id is None:
        raise PermissionDenied
    enterprise = access_enterprise_for_user(request.user, membership.enterprise_id)
    language = active_language()
    rounds = rounds_of(assessments_visible_to(request.user).filter(enterprise=enterprise))
    families: dict[str, list[Assessment]] = {}
    for assessment in rounds:
        families.setdefault(assessment.framework_family, []).append(assessment)
    known = shipped_frameworks()
    groups = [
        {
            "family": family,
            "name": pick(known[items[0].framework_id].name, language)
            if items[0].framework_id in known
            else family,
            "latest": items[0],
            "rounds": items,
            "can_reassess": not items[0].is_draft and items[0].framework_id in known,
            "next_round": f"T{items[0].round_index + 1}",
        }
        for family, items in families.items()
    ]
    started = {g["family"] for g in groups}
    form = StartForm(
        language=language,
        allowed={f.id for f in known.values() if f.family not in started},
        initial={"framework_id": suggested_framework_id(enterprise)},
    )
    return render(
        request,
        "assessment/mine.html",
        {
            "enterprise": enterprise,
            "groups": groups,
            "form": form,
            "suggested": suggested_framework_id(enterprise),
        },
    )


def _bank_list(request: HttpRequest) -> HttpResponse:
    visible = assessments_visible_to(request.user).filter(status=AssessmentStatus.SUBMITTED)
    latest: dict[tuple[int, str], Assessment] = {}
    for assessment in visible.select_related("enterprise", "result").order_by("round_index"):
        latest[(assessment.enterprise_id, assessment.framework_family)] = assessment
    rows = sorted(latest.values(), key=lambda a: (a.enterprise.name, a.framework_family))
    return render(request, "assessment/bank_list.html", {"rows": rows})


@login_required
@require_POST
def start(request: HttpRequest) -> HttpResponse:
    """Start T0 on the chosen framework, or the next round of a family."""
    membership = membership_of(request.user)
    if membership is None or membership.role != Role.ENTERPRISE or membership.enterprise_id is None:
        raise PermissionDenied
    enterprise = access_enterprise_for_user(request.user, membership.enterprise_id)
    framework_id = request.POST.get("framework_id", "")
    try:
        assessment = assessment_start(
            enterprise=enterprise, framework_id=framework_id, acting_user=request.user
        )
    except ValidationError as error:
        messages.error(request, _messages(error))
        return redirect("assessment:home")
    if assessment.round_index:
        messages.success(
            request,
            _("Round %(round)s started with your previous answers filled in: change what has improved.")
            % {"round": assessment.round_label},
        )
    return redirect("assessment:wizard", assessment.pk)


# --- the wizard -------------------------------------------------------------------------------


def _wizard_context(request: HttpRequest, assessment: Assessment, step_id: str) -> dict[str, Any]:
    framework = framework_of(assessment)
    language = active_language()
    steps = wizard_steps(framework, assessment, language)
    ids = [s.id for s in steps]
    if step_id not in ids and step_id != REVIEW_STEP:
        step_id = ids[0]
    index = ids.index(step_id) if step_id in ids else len(ids)
    total = sum(len(s.questions) for s in steps)
    answered = sum(s.answered for s in steps)
    return {
        "assessment": assessment,
        "enterprise": assessment.enterprise,
        "framework_name": pick(framework.name, language),
        "framework": framework,
        "steps": steps,
        "step": steps[index] if index < len(steps) else None,
        "step_id": step_id,
        "previous_step": ids[index - 1] if index > 0 else None,
        "next_step": ids[index + 1] if index + 1 < len(ids) else REVIEW_STEP,
        "total": total,
        "answered": answered,
        "percent": round(100 * answered / total) if total else 0,
        "max_mb": EVIDENCE_MAX_BYTES // (1024 * 1024),
        "accept": ",".join(ext for _, ext in EVIDENCE_KINDS.values()),
        "notes": framework.provisional_notes,
    }


@login_required
@require_GET
def wizard(request: HttpRequest, assessment_id: int) -> HttpResponse:
    """One dimension per page; every change is saved at once (htmx), unsent ones are kept in the browser."""
    assessment = access_assessment_for_user(request.user, assessment_id)
    if not assessment.is_draft or not can_answer(request.user, assessment):
        return redirect("assessment:report", assessment.pk)
    context = _wizard_context(request, assessment, request.GET.get("step", ""))
    return render(request, "assessment/wizard.html", context)


def _status(request: HttpRequest, text: str, *, status: int, kind: str, **extra: Any) -> HttpResponse:
    html = render_to_string(
        "assessment/_save_status.html", {"text": text, "kind": kind, **extra}, request=request
    )
    return HttpResponse(html, status=status)


@require_POST
def answer(request: HttpRequest, assessment_id: int) -> HttpResponse:
    """Autosave of one answer (htmx). Answers with a status fragment; 401 when the session has ended."""
    if not request.user.is_authenticated:
        # A redirect to the login page would be swapped into the question; say what happened instead.
        return _status(
            request,
            _(
                "Not saved: you are signed out. The answer is kept in this browser and sent after you sign in again."
            ),
            status=401,
            kind="error",
        )
    assessment = access_assessment_for_user(request.user, assessment_id, write=True)
    if not assessment.is_draft:
        return _status(
            request, _("Not saved: this assessment is already submitted."), status=409, kind="error"
        )
    framework = framework_of(assessment)
    question_id = request.POST.get("question", "")
    if not framework.has_question(question_id):
        return _status(request, _("Not saved: unknown question."), status=400, kind="error")
    language = active_language()
    try:
        value = answer_from_post(framework.question(question_id), request.POST)
        assessment_answer_save(
            assessment=assessment, question_id=question_id, value=value, acting_user=request.user
        )
    except ValueError as error:
        return _status(request, field_error_text(error.args[0], language), status=422, kind="error")
    except AnswersInvalid as error:
        return _status(request, field_error_text(error.errors[0], language), status=422, kind="error")
    except ValidationError as error:
        return _status(request, _messages(error), status=409, kind="error")
    answered = assessment.answers.exclude(value__isnull=True).count()
    total = len(framework.questions)
    return _status(
        request,
        _("Saved %(time)s") % {"time": timezone.localtime().strftime("%H:%M:%S")}
        if value is not None
        else _("Answer cleared"),
        status=200,
        kind="ok",
        progress={"answered": answered, "total": total, "percent": round(100 * answered / total)},
    )


@login_required
@require_POST
def evidence_upload(request: HttpRequest, assessment_id: int) -> HttpResponse:
    """Attach a file to an answer, then go back to the question."""
    assessment = access_assessment_for_user(request.user, assessment_id, write=True)
    form = EvidenceForm(request.POST, request.FILES)
    question_id = request.POST.get("question", "")
    framework = framework_of(assessment)
    if not framework.has_question(question_id):
        raise Http404
    if not form.is_valid():
        messages.error(request, _("Choose a file to upload."))
    else:
        try:
            evidence = evidence_attach(
                assessment=assessment,
                question_id=question_id,
                upload=form.cleaned_data["file"],
                acting_user=request.user,
            )
        except ValidationError as error:
            messages.error(request, _messages(error))
        else:
            messages.success(request, _("%(name)s is attached.") % {"name": evidence.original_name})
    if assessment.is_draft:
        url = reverse("assessment:wizard", args=[assessment.pk])
        step = framework.question(question_id).dimension_id
        return HttpResponseRedirect(f"{url}?step={step}#q-{question_id}")
    return HttpResponseRedirect(reverse("assessment:report", args=[assessment.pk]) + "#evidence")


@login_required
@require_GET
def evidence_file(request: HttpRequest, evidence_id: int) -> FileResponse:
    """Download an evidence file: always as an attachment, never rendered or sniffed by the browser."""
    evidence = access_evidence_for_user(request.user, evidence_id)
    content_type = EVIDENCE_KINDS.get(evidence.kind, ("application/octet-stream", ""))[0]
    return stored_file_response(evidence.file, filename=evidence.original_name, content_type=content_type)


# Kinds a browser may show inline: PDF in its viewer, images as images. Anything else (a workbook)
# is only ever downloaded.
PREVIEW_KINDS = frozenset({"pdf", "png", "jpeg"})
# The inline file is a document of its own: no script, no plugin beyond the browser's own viewer, no
# form, no navigation of its parent (sandbox without allow-* flags); only this site may frame it.
PREVIEW_CSP = (
    "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; frame-ancestors 'self'"
)


@login_required
@require_GET
def evidence_preview(request: HttpRequest, evidence_id: int) -> HttpResponse:
    """A page showing an evidence file in the browser (a PDF as page images, an image as itself)."""
    evidence = access_evidence_for_user(request.user, evidence_id)
    pages: list[int] = []
    page_count = 0
    previewable = evidence.kind in PREVIEW_KINDS
    if evidence.kind == "pdf":
        try:
            page_count = pdf_page_count(_evidence_bytes(evidence))
        except PdfUnreadable:
            previewable = False
        pages = list(range(1, min(page_count, MAX_PREVIEW_PAGES) + 1))
    context = {
        "evidence": evidence,
        "previewable": previewable,
        "answer": evidence.answer,
        "pages": pages,
        "page_count": page_count,
        "more_pages": page_count > MAX_PREVIEW_PAGES,
    }
    return render(request, "assessment/evidence_preview.html", context)


def _evidence_bytes(evidence: Evidence) -> bytes:
    try:
        with evidence.file.open("rb") as handle:
            data: bytes = handle.read()
            return data
    except FileNotFoundError:
        raise Http404 from None


@login_required
@require_GET
def evidence_page(request: HttpRequest, evidence_id: int, number: int) -> HttpResponse:
    """Page `number` of a PDF evidence file as a PNG image, through the same access as the file."""
    evidence = access_evidence_for_user(request.user, evidence_id)
    if evidence.kind != "pdf":
        raise Http404
    try:
        image = pdf_page_png(_evidence_bytes(evidence), number)
    except (PdfUnreadable, IndexError):
        raise Http404 from None
    return untrusted_headers(HttpResponse(image, content_type="image/png"), policy=PREVIEW_CSP)


@login_required
@require_GET
def evidence_inline(request: HttpRequest, evidence_id: int) -> FileResponse:
    """The evidence file itself for the preview: inline for PDF, PNG and JPEG, a download otherwise."""
    evidence = access_evidence_for_user(request.user, evidence_id)
    if evidence.kind not in PREVIEW_KINDS:
        return evidence_file(request, evidence_id)
    return stored_file_response(
        evidence.file,
        filename=evidence.original_name,
        content_type=EVIDENCE_KINDS[evidence.kind][0],
        inline=True,
        policy=PREVIEW_CSP,
    )


@login_required
@require_POST
def submit(request: HttpRequest, assessment_id: int) -> HttpResponse:
    """Score and store the result; unanswered or invalid questions are listed on the review step."""
    assessment = access_assessment_for_user(request.user, assessment_id, write=True)
    if not assessment.is_draft:
        return redirect("assessment:report", assessment.pk)
    try:
        assessment_submit(assessment=assessment, acting_user=request.user)
    except AnswersInvalid as error:
        context = _wizard_context(request, assessment, REVIEW_STEP)
        language = active_language()
        problems = error.by_question()
        for step in context["steps"]:
            for question in step.questions:
                if question.id in problems:
                    question.error = field_error_text(problems[question.id], language)
        context["problem_count"] = len(problems)
        return render(request, "assessment/wizard.html", context, status=422)
    except ValidationError as error:
        messages.error(request, _messages(error))
        return redirect("assessment:home")
    messages.success(request, _("Submitted. Here is your result."))
    return redirect("assessment:report", assessment.pk)


# --- reports ----------------------------------------------------------------------------------


def _report_or_draft(request: HttpRequest, assessment_id: int) -> tuple[Assessment, Any]:
    assessment = access_assessment_for_user(request.user, assessment_id)
    if assessment.is_draft:
        return assessment, None
    with_answers = can_see_answers(request.user, assessment)
    return assessment, report_of(assessment, active_language(), with_answers=with_answers)


@login_required
@require_GET
def report(request: HttpRequest, assessment_id: int) -> HttpResponse:
    """Score, level and why, radar, scenario heat-map, peers, deltas to the previous round, roadmap."""
    assessment, data = _report_or_draft(request, assessment_id)
    if data is None:
        if can_answer(request.user, assessment):
            return redirect("assessment:wizard", assessment.pk)
        return render(request, "assessment/draft.html", {"assessment": assessment})
    assessment_read_log(reader=request.user, assessment=assessment, channel=ReadChannel.WEB)
    evidence_answers = []
    if can_see_answers(request.user, assessment):
        evidence_answers = list(
            assessment.answers.exclude(value__isnull=True).prefetch_related("files").order_by("id")
        )
    framework = data.framework
    language = active_language()
    return render(
        request,
        "assessment/report.html",
        {
            "report": data,
            "assessment": assessment,
            "enterprise": assessment.enterprise,
            "can_answer": can_answer(request.user, assessment),
            "can_review": can_review_evidence(request.user, assessment),
            "evidence_rows": [
                (
                    a,
                    pick(framework.question(a.question_id).text, language)
                    if framework and framework.has_question(a.question_id)
                    else a.question_id,
                    answer_text(framework, a.question_id, a.value, language) if framework else "",
                )
                for a in evidence_answers
            ],
            # officials open it to review; enterprises when something waits or was rejected
            "open_evidence": any(
                a.evidence_state in (EvidenceState.EVIDENCE_ATTACHED, EvidenceState.REJECTED)
                and (
                    can_review_evidence(request.user, assessment)
                    or a.evidence_state == EvidenceState.REJECTED
                )
                for a in evidence_answers
            ),
            "max_mb": EVIDENCE_MAX_BYTES // (1024 * 1024),
            "accept": ",".join(ext for _, ext in EVIDENCE_KINDS.values()),
        },
    )


@login_required
@require_GET
def report_pdf(request: HttpRequest, assessment_id: int) -> HttpResponse:
    """The report as a PDF (WeasyPrint, Noto Sans CJK SC), downloaded as a file."""
    from funeng.apps.assessment.pdf import report_pdf_bytes  # WeasyPrint loads pango: only when asked

    assessment, data = _report_or_draft(request, assessment_id)
    if data is None:
        raise Http404
    assessment_read_log(reader=request.user, assessment=assessment, channel=ReadChannel.EXPORT)
    content = report_pdf_bytes(request, data)
    response = HttpResponse(content, content_type="application/pdf")
    filename = f"assessment-{assessment.pk}-{assessment.round_label}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- officials --------------------------------------------------------------------------------


def _family(request: HttpRequest) -> str:
    return _family_of(request.GET.get("family", DEFAULT_FAMILY))


def _family_of(value: str) -> str:
    families = {f.family for f in shipped_frameworks().values()}
    return value if value in families else DEFAULT_FAMILY


def _region_name(request: HttpRequest) -> str:
    if is_platform_admin(request.user):
        return _("All regions")
    membership = membership_of(request.user)
    code = membership.region_code if membership is not None else ""
    return region_table().display_name(code, default=code)


@login_required
@require_GET
def region(request: HttpRequest) -> HttpResponse:
    """Level distribution of the region's latest results, by division and size class, and the uplift."""
    if not can_see_region(request.user):
        raise PermissionDenied
    family = _family(request)
    visible = assessments_visible_to(request.user)
    overview = region_overview(
        visible, enterprises_visible_to(request.user).count(), family, active_language()
    )
    families = sorted({f.family for f in shipped_frameworks().values()})
    return render(
        request,
        "assessment/region.html",
        {
            "overview": overview,
            "region_name": _region_name(request),
            "families": families,
            "pending": evidence_queue(visible, active_language(), limit=0)[1],
        },
    )


@login_required
@require_POST
@submit_once
def region_reports_pdf(request: HttpRequest) -> HttpResponse:
    """Queue the PDFs of the region's latest reports in one archive; the task page links the file."""
    if not can_see_region(request.user):
        raise PermissionDenied
    membership = membership_of(request.user)
    task = task_enqueue(
        kind=REPORTS_PDF,
        started_by=request.user,
        params={"family": _family_of(request.POST.get("family", ""))},
        region_code=membership.region_code if membership is not None else "",
    )
    return redirect("tasks:detail", task.pk)


@login_required
@require_GET
def region_enterprises(request: HttpRequest) -> HttpResponse:
    """The region's enterprises by their latest level, best score first."""
    if not can_see_region(request.user):
        raise PermissionDenied
    family = _family(request)
    raw = request.GET.get("level", "")
    level = int(raw) if raw.isdigit() else None
    rows = region_list(assessments_visible_to(request.user), family, level)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "assessment/region_list.html",
        {
            "page": page,
            "level": level,
            "family": family,
            "level_names": level_names(family, active_language()),
            "region_name": _region_name(request),
            "total": len(rows),
        },
    )


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    """Evidence waiting for an official's verdict, oldest first."""
    if not can_see_region(request.user):
        raise PermissionDenied
    items, total = evidence_queue(assessments_visible_to(request.user), active_language())
    return render(
        request,
        "assessment/queue.html",
        {"items": items, "total": total, "region_name": _region_name(request)},
    )


@login_required
@require_POST
def review(request: HttpRequest, answer_id: int) -> HttpResponse:
    """Verify or reject one answer's evidence (a reason is required to reject)."""
    answer_obj = access_answer_for_user(request.user, answer_id, review=True)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose verify or reject."))
    else:
        try:
            evidence_review(
                answer=answer_obj,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
                acting_user=request.user,
            )
        except ValidationError as error:
            messages.error(request, _messages(error))
        else:
            messages.success(request, _("Your decision is recorded."))
    back = request.POST.get("next", "")
    if back == "report":
        return HttpResponseRedirect(
            reverse("assessment:report", args=[answer_obj.assessment_id]) + "#evidence"
        )
    return redirect("assessment:queue")
