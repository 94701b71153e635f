"""Writes of the policy app: batch runs, in-app notices, review decisions (快申快享); all audited."""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from engines.rules.batch import evaluate_frame
from engines.rules.loader import get_programme, load_programme_versions
from engines.rules.model import Programme
from funeng.apps.audit.models import AuditAction
from funeng.apps.audit.services import audit_record, audit_record_many, field_diff
from funeng.apps.core.identity import User
from funeng.apps.enterprises.access import enterprises_visible_to
from funeng.apps.enterprises.policy_record import enterprises_policy_frame
from funeng.apps.policies.access import policy_scope_of
from funeng.apps.policies.const import Decision, NoticeKind, Track
from funeng.apps.policies.models import PolicyNotice, PolicyResult, PolicyRun, ReviewDecision
from funeng.apps.policies.selectors import REVIEW_TRACKS, field_label, programme_name, track_of_batch
from funeng.apps.tasks.progress import Progress

BATCH = 2000
MIN_REASON_LENGTH = 4


def _programme(programme_id: str, as_of: dt.date) -> Programme:
    try:
        return get_programme(programme_id, as_of)
    except KeyError:
        raise ValidationError(
            _("No version of “%(programme)s” is in force on %(date)s: choose a date its rules cover."),
            params={"programme": programme_name(programme_id), "date": as_of.isoformat()},
            code="not_in_force",
        ) from None


def latest_evaluation_date(programme_id: str, today: dt.date) -> dt.date:
    """The last date a programme may be evaluated on: today, or a known version's later start.

    The facts are today's, so a later date only makes sense to try rules already published for a
    coming date; beyond the last known version nothing is known about the rules either.
    """
    versions = load_programme_versions().get(programme_id, ())
    return max([today, *(version.effective_from for version in versions)])


def policy_run_check(
    *, programme_id: str, as_of: dt.date, acting_user: User, today: dt.date | None = None
) -> tuple[str, Programme]:
    """The user's region scope and the programme version in force, or a ValidationError saying why not."""
    scope = policy_scope_of(acting_user)
    if scope is None:
        raise ValidationError(
            _("Only officials and platform operators evaluate programmes."), code="forbidden"
        )
    latest = latest_evaluation_date(programme_id, today or timezone.localdate())
    if as_of > latest:
        raise ValidationError(
            _(
                "Choose a date up to %(latest)s: the enterprises' data are today's, and no rule "
                "version after that date is known."
            ),
            params={"latest": latest.isoformat()},
            code="too_late",
        )
    return scope, _programme(programme_id, as_of)


def policy_run_create(
    *, programme_id: str, as_of: dt.date, acting_user: User, progress: Progress | None = None
) -> PolicyRun:
    """Evaluate a programme for every enterprise in the user's region in one batch pass; store the results.

    Reading and evaluating happen outside any transaction; the run and all its results are
    written in one short transaction at the end, so a run stopped half-way leaves nothing.
    """
    progress = progress or Progress()
    scope, programme = policy_run_check(programme_id=programme_id, as_of=as_of, acting_user=acting_user)
    started = time.perf_counter()
    progress.update(0, 3, gettext_noop("Reading the enterprises of the region"))
    frame = enterprises_policy_frame(enterprises_visible_to(acting_user))
    progress.update(1, 3, gettext_noop("Evaluating the programme"))
    evaluated = evaluate_frame(frame, programme, as_of)
    progress.update(2, 3, gettext_noop("Storing the results"))
    tracks = [
        track_of_batch(outcome, unknown, review)
        for outcome, unknown, review in zip(
            evaluated["outcome"].to_list(),
            evaluated["unknown"].to_list(),
            evaluated["review"].to_list(),
            strict=True,
        )
    ]
    counts = Counter(tracks)
    # An amount is what an eligible enterprise (or one eligible subject to review) would receive.
    amounts = [
        None if value is None or outcome != "eligible" else Decimal(f"{value:.2f}")
        for value, outcome in zip(
            evaluated["benefit_cny"].to_list(), evaluated["outcome"].to_list(), strict=True
        )
    ]
    has_benefit = programme.benefit is not None

    def total(track: Track) -> Decimal | None:
        if not has_benefit:
            return None
        return sum(
            (a for a, t in zip(amounts, tracks, strict=True) if t == track and a is not None), Decimal("0.00")
        )

    with transaction.atomic():
        run = PolicyRun.objects.create(
            programme_id=programme.id,
            programme_version=programme.version,
            as_of=as_of,
            region_code=scope,
            started_by_id=acting_user.pk,
            enterprises=len(tracks),
            eligible=counts[Track.ELIGIBLE],
            review=counts[Track.REVIEW],
            alternative=counts[Track.ALTERNATIVE],
            missing=counts[Track.MISSING],
            not_eligible=counts[Track.NOT_ELIGIBLE],
            benefit_eligible_cny=total(Track.ELIGIBLE),
            benefit_review_cny=total(Track.REVIEW),
        )
        PolicyResult.objects.bulk_create(
            (
                PolicyResult(
                    run=run,
                    enterprise_id=enterprise_id,
                    outcome=outcome,
                    track=track,
                    failing=failing,
                    unknown=unknown,
                    review=review,
                    benefit_cny=amount,
                )
                for enterprise_id, outcome, track, failing, unknown, review, amount in zip(
                    frame["enterprise_id"].to_list(),
                    evaluated["outcome"].to_list(),
                    tracks,
                    evaluated["failing"].to_list(),
                    evaluated["unknown"].to_list(),
                    evaluated["review"].to_list(),
                    amounts,
                    strict=True,
                )
            ),
            batch_size=BATCH,
        )
        run.duration_ms = round((time.perf_counter() - started) * 1000)
        run.save(update_fields=["duration_ms"])
        audit_record(
            actor=acting_user,
            action=AuditAction.CREATE,
            obj=run,
            changes=field_diff(
                {},
                {
                    "programme": programme.id,
                    "version": programme.version,
                    "as_of": as_of.isoformat(),
                    "enterprises": run.enterprises,
                    "eligible": run.eligible,
                    "review": run.review,
                    "alternative": run.alternative,
                    "missing": run.missing,
                    "not_eligible": run.not_eligible,
                    "benefit_eligible_cny": None
                    if run.benefit_eligible_cny is None
                    else str(run.benefit_eligible_cny),
                },
            ),
        )
    progress.update(3, 3, gettext_noop("Stored"))
    return run


NOTICE_KIND = {
    Track.ELIGIBLE: NoticeKind.ELIGIBLE,
    Track.REVIEW: NoticeKind.REVIEW,
    Track.ALTERNATIVE: NoticeKind.ALTERNATIVE,
    Track.MISSING: NoticeKind.MISSING,
}
NOTIFIABLE_TRACKS = tuple(NOTICE_KIND)


def notice_text(
    kind: str, programme: Programme, run: PolicyRun, result: PolicyResult | None = None
) -> tuple[str, str]:
    """The message stored in the log, in Chinese and in English: (message, message_en).

    A notice is read later, by whoever opens the enterprise's page in either language, so both
    are written when it is sent.
    """
    return _notice_in("zh-hans", kind, programme, run, result), _notice_in("en", kind, programme, run, result)


def _notice_in(
    language: str, kind: str, programme: Programme, run: PolicyRun, result: PolicyResult | None
) -> str:
    english = language == "en"
    name = (programme.name_en or programme.name) if english else programme.name
    with translation.override(language):
        if kind == NoticeKind.ELIGIBLE:
            return gettext(
                "Evaluated with the data as of %(date)s, your enterprise meets every condition of "
                "“%(programme)s” (rule version %(version)s): no application is needed, the authority "
                "grants it on its own initiative."
            ) % {"date": run.as_of.isoformat(), "programme": name, "version": run.programme_version}
        if kind == NoticeKind.REVIEW:
            return gettext(
                "Your enterprise meets every measurable condition of “%(programme)s”; the remaining "
                "qualitative conditions need review by an official. Read the clauses on the My policies "
                "page and send supporting material with a quick application."
            ) % {"programme": name}
        if kind == NoticeKind.ALTERNATIVE:
            return gettext(
                "Your enterprise does not meet every measurable condition of “%(programme)s”, but the "
                "programme accepts a qualitative alternative (or leaves the case to the authority's "
                "discretion). If you think it qualifies, read the clauses on the My policies page and "
                "send supporting material with a quick application; an official decides."
            ) % {"programme": name}
        labels = sorted(
            {field_label(f, "en" if english else "zh") for f in _missing_fields(programme, result)}
        )
        listed = (", " if english else "、").join(labels[:6])
        if len(labels) > 6:
            listed += gettext(" and more")
        return gettext(
            "Evaluating “%(programme)s” needs more data: %(fields)s. Fill it in on the My policies page "
            "and every programme is evaluated again at once."
        ) % {"programme": name, "fields": listed}


def _missing_fields(programme: Programme, result: PolicyResult | None) -> list[str]:
    """The dictionary fields behind a stored result's unknown conditions."""
    if result is None:
        return []
    return [
        name for node_id in result.unknown for name in getattr(programme.nodes.get(node_id), "fields", ())
    ]


@transaction.atomic
def policy_notices_send(*, run: PolicyRun, tracks: Iterable[str], acting_user: User) -> int:
    """Notify every enterprise of the run in the given tracks in-app, once per run and kind."""
    wanted = [Track(track) for track in tracks if track in NOTIFIABLE_TRACKS]
    if not wanted:
        raise ValidationError(
            _("Choose whom to notify: eligible, review, alternative or data missing."), code="no_tracks"
        )
    programme = get_programme(run.programme_id, run.as_of)
    already = set(PolicyNotice.objects.filter(run=run).values_list("enterprise_id", "kind"))
    notices = []
    for result in run.results.filter(track__in=wanted):
        kind = NOTICE_KIND[Track(result.track)]
        if (result.enterprise_id, kind) in already:
            continue
        message, message_en = notice_text(kind, programme, run, result)
        notices.append(
            PolicyNotice(
                enterprise_id=result.enterprise_id,
                programme_id=run.programme_id,
                kind=kind,
                run=run,
                message=message,
                message_en=message_en,
                sent_by_id=acting_user.pk,
            )
        )
    PolicyNotice.objects.bulk_create(notices, batch_size=BATCH)
    if any(notice.pk is None for notice in notices):  # both supported databases return keys
        raise RuntimeError("the database did not return primary keys for bulk inserts; cannot audit")
    audit_record_many(
        actor=acting_user,
        action=AuditAction.CREATE,
        objects=((n, {"kind": [None, n.kind], "programme": [None, n.programme_id]}) for n in notices),
    )
    return len(notices)


@transaction.atomic
def review_decide(*, result: PolicyResult, decision: str, reason: str, acting_user: User) -> ReviewDecision:
    """Record an official's decision on a case routed to review; the enterprise is told in-app."""
    reason = (reason or "").strip()
    errors: dict[str, ValidationError] = {}
    if decision not in Decision.values:
        errors["decision"] = ValidationError(_("Choose approve or reject."), code="invalid")
    if len(reason) < MIN_REASON_LENGTH:
        errors["reason"] = ValidationError(
            _("Give the reason for the decision (at least %(count)d characters)."),
            params={"count": MIN_REASON_LENGTH},
            code="too_short",
        )
    if result.track not in REVIEW_TRACKS:
        errors["decision"] = ValidationError(
            _(
                "Only cases waiting for a reviewer (eligible subject to review, or possible on an "
                "alternative) can be decided; this one is not."
            ),
            code="not_review",
        )
    if errors:
        raise ValidationError(errors)
    run = result.run
    made = ReviewDecision.objects.create(
        result=result,
        enterprise_id=result.enterprise_id,
        programme_id=run.programme_id,
        programme_version=run.programme_version,
        decision=decision,
        reason=reason,
        decided_by_id=acting_user.pk,
    )
    audit_record(
        actor=acting_user,
        action=AuditAction.CREATE,
        obj=made,
        changes=field_diff({}, {"decision": decision, "reason": reason, "programme": run.programme_id}),
    )
    programme = get_programme(run.programme_id, run.as_of)
    message, message_en = (
        _decision_in(language, programme, decision, reason) for language in ("zh-hans", "en")
    )
    notice = PolicyNotice.objects.create(
        enterprise_id=result.enterprise_id,
        programme_id=run.programme_id,
        kind=NoticeKind.DECISION,
        run=None,
        message=message,
        message_en=message_en,
        sent_by_id=acting_user.pk,
    )
    audit_record(
        actor=acting_user, action=AuditAction.CREATE, obj=notice, changes={"kind": [None, notice.kind]}
    )
    return made


def _decision_in(language: str, programme: Programme, decision: str, reason: str) -> str:
    """The decision notice in one language; the official's reason is quoted as written."""
    name = (programme.name_en or programme.name) if language == "en" else programme.name
    with translation.override(language):
        if decision == Decision.APPROVED:
            text = gettext("Review of “%(programme)s”: approved. Reason: %(reason)s")
        else:
            text = gettext("Review of “%(programme)s”: not approved. Reason: %(reason)s")
        return text % {"programme": name, "reason": reason}


@transaction.atomic
def policy_notice_mark_read(*, notice: PolicyNotice, acting_user: User) -> PolicyNotice:
    """The enterprise has read the notice (idempotent)."""
    if notice.read_at is None:
        notice.read_at = timezone.now()
        notice.save(update_fields=["read_at"])
        audit_record(
            actor=acting_user, action=AuditAction.UPDATE, obj=notice, changes={"read_at": [None, "read"]}
        )
    return notice
