"""Policy pages: programmes with their clauses, 我的政策 for an enterprise, 免申即享 runs for officials."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from engines.rules.evaluate import required_review
from engines.rules.loader import get_programme, load_programme_versions
from funeng.apps.audit.models import AuditAction
from funeng.apps.audit.services import audit_record
from funeng.apps.core.const import Role
from funeng.apps.core.i18n import localized
from funeng.apps.core.identity import membership_of, role_of
from funeng.apps.core.pages import confirmation_page, form_errors_from, submit_once
from funeng.apps.enterprises.access import enterprise_fields_writable_by
from funeng.apps.enterprises.views_edit import enterprise_form_class, profile_form_saved
from funeng.apps.library.selectors import conditions_to_review
from funeng.apps.policies.access import (
    access_enterprise_policies_for_user,
    access_policy_notice_for_user,
    access_policy_result_for_user,
    access_policy_run_for_user,
    can_run_policies,
    policy_notices_visible_to,
    policy_runs_visible_to,
    policy_scope_of,
)
from funeng.apps.policies.const import Track
from funeng.apps.policies.exporting import run_workbook
from funeng.apps.policies.forms import DecisionForm, NotifyForm, RunForm
from funeng.apps.policies.selectors import (
    TRACK_ORDER,
    condition_rows,
    enterprise_evaluations,
    latest_decisions,
    model_fields_missing,
    notice_rows,
    programme_name,
    programmes_for_region,
    programmes_in_force,
    run_results,
)
from funeng.apps.policies.services import (
    policy_notice_mark_read,
    policy_notices_send,
    policy_run_check,
    review_decide,
)
from funeng.apps.policies.tasks import POLICY_RUN
from funeng.apps.tasks.services import task_enqueue

PAGE_SIZE = 50


def _as_of(request: HttpRequest) -> dt.date:
    raw = request.GET.get("as_of", "")
    try:
        return dt.date.fromisoformat(raw) if raw else timezone.localdate()
    except ValueError:
        return timezone.localdate()


@login_required
def policies_home_view(request: HttpRequest) -> HttpResponse:
    """Send each role to its policy page: enterprises to 我的政策, officials to 免申即享."""
    membership = membership_of(request.user)
    if role_of(request.user) == Role.ENTERPRISE and membership is not None and membership.enterprise_id:
        return redirect("policies:enterprise", membership.enterprise_id)
    if can_run_policies(request.user):
        return redirect("policies:proactive")
    return redirect("policies:programmes")


@login_required
def programmes_view(request: HttpRequest) -> HttpResponse:
    """Every programme in force, with its region, issuing body, version and how it is decided."""
    as_of = _as_of(request)
    rows = []
    for programme in programmes_in_force(as_of):
        leaves = programme.leaves()
        rows.append(
            {
                "programme": programme,
                "conditions": len(leaves),
                "qualitative": sum(1 for leaf in leaves if leaf.op in ("qualitative", "discretionary")),
            }
        )
    return render(request, "policies/programmes.html", {"rows": rows, "as_of": as_of})


@login_required
def programme_view(request: HttpRequest, programme_id: str) -> HttpResponse:
    """One programme: every condition with the clause it cites, the thresholds in force, the readings chosen."""
    as_of = _as_of(request)
    try:
        programme = get_programme(programme_id, as_of)
    except KeyError:
        raise Http404("no such programme") from None
    versions = load_programme_versions()[programme.id]
    return render(
        request,
        "policies/programme.html",
        {
            "programme": programme,
            "rows": condition_rows(programme, as_of),
            "stale": conditions_to_review(programme.id),
            # The library document the programme's conditions quote (their clause ids name it).
            "library_document": programme.conditions.citation.clause_id.split("/", 1)[0],
            "versions": versions,
            "as_of": as_of,
        },
    )


@login_required
def enterprise_policies_view(request: HttpRequest, enterprise_id: int) -> HttpResponse:
    """我的政策: every programme for one enterprise, grouped by what happens next, with missing data inline."""
    enterprise = access_enterprise_policies_for_user(request.user, enterprise_id)
    as_of = timezone.localdate()
    evaluations = enterprise_evaluations(enterprise, as_of)
    missing = model_fields_missing(enterprise, evaluations)
    writable = enterprise_fields_writable_by(request.user, enterprise)
    form = None
    fillable = frozenset(missing) & writable
    if fillable:
        form_class = enterprise_form_class(fillable)
        form = form_class(request.POST or None, instance=enterprise)
        if request.method == "POST" and profile_form_saved(request, form, enterprise_id):
            messages.success(request, _("Saved; every programme was evaluated again with your data."))
            return redirect("policies:enterprise", enterprise_id)
    elif request.method == "POST":
        raise PermissionDenied
    in_region = [e for e in evaluations if e.applies]
    groups = [(track, [e for e in in_region if e.track == track]) for track in TRACK_ORDER]
    notices = policy_notices_visible_to(request.user).filter(enterprise=enterprise)[:10]
    return render(
        request,
        "policies/enterprise.html",
        {
            "enterprise": enterprise,
            "groups": [(track, items) for track, items in groups if items],
            "elsewhere": [e for e in evaluations if not e.applies],
            "form": form,
            "missing_not_writable": [name for name in missing if name not in writable],
            "notices": notices,
            "as_of": as_of,
            "can_mark_read": membership_of(request.user) is not None
            and membership_of(request.user).enterprise_id == enterprise.pk,  # type: ignore[union-attr]
        },
    )


NOTICES_PER_PAGE = 25


@login_required
def notices_view(request: HttpRequest) -> HttpResponse:
    """The notices inbox: what the authorities sent about programmes, newest first, unread marked.

    An enterprise's users read their own enterprise's notices; officials see the notices sent in
    their region (read only); every other role has none.
    """
    notices = policy_notices_visible_to(request.user).select_related("enterprise")
    unread = notices.filter(read_at__isnull=True).count()
    unread_only = request.GET.get("unread") == "1"
    if unread_only:
        notices = notices.filter(read_at__isnull=True)
    page = Paginator(notices, NOTICES_PER_PAGE).get_page(request.GET.get("page"))
    membership = membership_of(request.user)
    own = membership.enterprise_id if membership is not None and membership.role == Role.ENTERPRISE else None
    return render(
        request,
        "policies/notices.html",
        {
            "page": page,
            "rows": notice_rows(list(page.object_list)),
            "unread": unread,
            "unread_only": unread_only,
            "own_enterprise_id": own,
        },
    )


@login_required
@require_POST
def notice_read_view(request: HttpRequest, notice_id: int) -> HttpResponse:
    notice = access_policy_notice_for_user(request.user, notice_id, write=True)
    policy_notice_mark_read(notice=notice, acting_user=request.user)
    if request.POST.get("back") == "notices":
        return redirect("policies:notices")
    return redirect("policies:enterprise", notice.enterprise_id)


def _require_runner(request: HttpRequest) -> str:
    scope = policy_scope_of(request.user)
    if scope is None:
        raise PermissionDenied
    return scope


@login_required
@submit_once
def proactive_view(request: HttpRequest) -> HttpResponse:
    """免申即享: choose a programme, evaluate the region in one batch, see the stored runs."""
    scope = _require_runner(request)
    today = timezone.localdate()
    choices = [
        (p.id, _("%(name)s (version %(version)s)") % {"name": localized(p, "name"), "version": p.version})
        for p in programmes_for_region(scope, today)
    ]
    form = RunForm(request.POST or None, programmes=choices, today=today)
    if request.method == "POST" and form.is_valid():
        programme_id, as_of = form.cleaned_data["programme"], form.cleaned_data["as_of"]
        try:
            region, _programme = policy_run_check(
                programme_id=programme_id, as_of=as_of, acting_user=request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            # A whole province takes a while: the worker evaluates it and the task page shows progress.
            task = task_enqueue(
                kind=POLICY_RUN,
                started_by=request.user,
                params={"programme": programme_id, "as_of": as_of.isoformat()},
                region_code=region,
            )
            return redirect("tasks:detail", task.pk)
    runs = policy_runs_visible_to(request.user)[:30]
    return render(
        request,
        "policies/proactive.html",
        {"form": form, "runs": [(run, programme_name(run.programme_id)) for run in runs]},
    )


@login_required
def run_view(request: HttpRequest, run_id: int) -> HttpResponse:
    """One stored run: counts per track, the enterprises in a track, notify, export, review."""
    run = access_policy_run_for_user(request.user, run_id)
    track = request.GET.get("track", "")
    if track not in Track.values:
        counted = [
            (Track.ELIGIBLE, run.eligible),
            (Track.REVIEW, run.review),
            (Track.ALTERNATIVE, run.alternative),
        ]
        track = next((value for value, count in counted if count), "")
    programme = get_programme(run.programme_id, run.as_of)
    page = Paginator(run_results(run, track), PAGE_SIZE).get_page(request.GET.get("page"))
    results = list(page.object_list)
    decisions = latest_decisions(results)
    rows = [
        {
            "result": result,
            "failing": [programme.nodes[i] for i in result.failing if i in programme.nodes],
            "unknown": [programme.nodes[i] for i in result.unknown if i in programme.nodes],
            "review": [programme.nodes[i] for i in result.review if i in programme.nodes],
            "decision": decisions.get(result.pk),
        }
        for result in results
    ]
    tabs = [
        (Track.ELIGIBLE, run.eligible),
        (Track.REVIEW, run.review),
        (Track.ALTERNATIVE, run.alternative),
        (Track.MISSING, run.missing),
        (Track.NOT_ELIGIBLE, run.not_eligible),
    ]
    notified = run.notices.count()
    return render(
        request,
        "policies/run.html",
        {
            "run": run,
            "programme": programme,
            "track": track,
            "tabs": tabs,
            "rows": rows,
            "page": page,
            "notify_form": NotifyForm(initial={"tracks": [Track.ELIGIBLE, Track.REVIEW]}),
            "notified": notified,
        },
    )


@login_required
@require_POST
def run_notify_view(request: HttpRequest, run_id: int) -> HttpResponse:
    run = access_policy_run_for_user(request.user, run_id)
    _require_runner(request)
    form = NotifyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose whom to notify: eligible, review or data missing."))
        return redirect("policies:run", run.pk)
    tracks = form.cleaned_data["tracks"]
    confirm = confirmation_page(
        request,
        title=_("Send in-app notices?"),
        consequence=_(
            "Up to %(count)d enterprises in the chosen tracks will get a notice about this programme; "
            "a notice cannot be taken back (enterprises already notified are skipped)."
        )
        % {"count": run.results.filter(track__in=tracks).count()},
        action=_("Send the notices"),
        back_url=reverse("policies:run", args=[run.pk]),
    )
    if confirm is not None:
        return confirm
    sent = policy_notices_send(run=run, tracks=tracks, acting_user=request.user)
    messages.success(request, _("%(count)d enterprises were notified in-app.") % {"count": sent})
    return redirect("policies:run", run.pk)


@login_required
def run_export_view(request: HttpRequest, run_id: int) -> HttpResponse:
    """The run's results (or one track) as XLSX; the download itself is audited."""
    run = access_policy_run_for_user(request.user, run_id)
    track = request.GET.get("track", "")
    if track not in Track.values:
        track = ""
    content = run_workbook(run, track)
    audit_record(
        actor=request.user, action=AuditAction.EXPORT, obj=run, changes={"track": [None, track or "all"]}
    )
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    filename = f"{run.programme_id}-{run.as_of.isoformat()}-{track or 'all'}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def decide_view(request: HttpRequest, result_id: int) -> HttpResponse:
    """快申快享: an official reads the clauses left for review and records a decision with a reason."""
    result = access_policy_result_for_user(request.user, result_id, write=request.method == "POST")
    _require_runner(request)
    programme = get_programme(result.run.programme_id, result.run.as_of)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            review_decide(
                result=result,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
                acting_user=request.user,
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("Decision recorded; the enterprise was notified."))
            return redirect(f"{redirect('policies:run', result.run_id).url}?track={result.track}")
    return render(
        request,
        "policies/decide.html",
        {
            "result": result,
            "programme": programme,
            "review": [programme.nodes[i] for i in result.review if i in programme.nodes],
            # On an alternative, the reviewer weighs it against the requirement it stands in for.
            "failing": [programme.nodes[i] for i in result.failing if i in programme.nodes],
            "required": required_review(programme),
            "decisions": result.decisions.select_related("decided_by"),
            "form": form,
        },
    )
