"""Who may see and act on workers, posts and agreements; every view and API call goes through these.

Not visible → Http404 (existence is not revealed); visible but not allowed → PermissionDenied.
Enterprise members see their own posts and the open posts of every enterprise (a marketplace), and
the agreements their enterprise is a party to; a worker with a login sees the agreements naming
them. Officials see aggregate counts of their region only, never a post or a person. Operators
read everything but a worker's personal data, which only the parties see.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from funeng.apps.core.const import Role
from funeng.apps.core.identity import User, is_platform_admin, membership_of, official_scope_of
from funeng.apps.shared_workforce.const import HOURS_STATUSES, AgreementStatus, PostStatus
from funeng.apps.shared_workforce.models import Agreement, DemandPost, SurplusPost, Worker


def member_enterprise_id(user: User) -> int | None:
    """The enterprise the user acts for, None for every other role."""
    membership = membership_of(user)
    if membership is None or membership.role != Role.ENTERPRISE:
        return None
    return membership.enterprise_id


def _is_user(user: User, user_id: int | None) -> bool:
    return user.is_authenticated and user_id is not None and user.pk == user_id


# --- workers -------------------------------------------------------------------------------------


def workers_visible_to(user: User) -> QuerySet[Worker]:
    """Workers a user may see listed: the employer's, the worker themself, a borrower's named workers."""
    if not user.is_authenticated:
        return Worker.objects.none()
    if is_platform_admin(user):
        return Worker.objects.all()
    visible = Q(user_id=user.pk)
    enterprise_id = member_enterprise_id(user)
    if enterprise_id is not None:
        visible |= Q(enterprise_id=enterprise_id) | Q(agreements__borrower_id=enterprise_id)
    return Worker.objects.filter(visible).distinct()


def can_see_personal_data(user: User, worker: Worker) -> bool:
    """Name and phone: the employer, the worker, and a borrower once an agreement names the worker."""
    if _is_user(user, worker.user_id):
        return True
    enterprise_id = member_enterprise_id(user)
    if enterprise_id is None:
        return False
    if enterprise_id == worker.enterprise_id:
        return True
    return Agreement.objects.filter(worker=worker, borrower_id=enterprise_id).exists()


def access_worker_for_user(user: User, pk: int, *, write: bool = False) -> Worker:
    """The worker if the user may see them (404); write=True: only the employer's members (403)."""
    worker = workers_visible_to(user).filter(pk=pk).select_related("enterprise").first()
    if worker is None:
        raise Http404("no such worker")
    if write and member_enterprise_id(user) != worker.enterprise_id:
        raise PermissionDenied
    return worker


# --- posts ---------------------------------------------------------------------------------------


def _posts_visible(user: User) -> Q | None:
    if not user.is_authenticated:
        return None
    if is_platform_admin(user):
        return Q()
    enterprise_id = member_enterprise_id(user)
    if enterprise_id is None:
        return None
    return Q(status=PostStatus.OPEN) | Q(enterprise_id=enterprise_id)


def surplus_posts_visible_to(user: User) -> QuerySet[SurplusPost]:
    """Open surplus posts for every enterprise member, their own in any state; everything for operators."""
    visible = _posts_visible(user)
    return SurplusPost.objects.none() if visible is None else SurplusPost.objects.filter(visible)


def demand_posts_visible_to(user: User) -> QuerySet[DemandPost]:
    """Open demand posts for every enterprise member, their own in any state; everything for operators."""
    visible = _posts_visible(user)
    return DemandPost.objects.none() if visible is None else DemandPost.objects.filter(visible)


def access_surplus_for_user(user: User, pk: int, *, write: bool = False) -> SurplusPost:
    """A surplus post the user may read (404); write=True: one of their own enterprise (403)."""
    post = surplus_posts_visible_to(user).select_related("enterprise").filter(pk=pk).first()
    if post is None:
        raise Http404("no such surplus post")
    if write and member_enterprise_id(user) != post.enterprise_id:
        raise PermissionDenied
    return post


def access_demand_for_user(user: User, pk: int, *, write: bool = False) -> DemandPost:
    """A demand post the user may read (404); write=True: one of their own enterprise (403)."""
    post = demand_posts_visible_to(user).select_related("enterprise").filter(pk=pk).first()
    if post is None:
        raise Http404("no such demand post")
    if write and member_enterprise_id(user) != post.enterprise_id:
        raise PermissionDenied
    return post


def can_see_matches(user: User, demand: DemandPost) -> bool:
    """The borrower's members rank candidates for their demand; operators may look over their shoulder."""
    return member_enterprise_id(user) == demand.enterprise_id or is_platform_admin(user)


def access_matches_for_user(user: User, pk: int) -> DemandPost:
    """A demand post whose matches the user may see: 404 if unseen, 403 if someone else's."""
    demand = access_demand_for_user(user, pk)
    if not can_see_matches(user, demand):
        raise PermissionDenied
    return demand


# --- agreements ----------------------------------------------------------------------------------


def agreements_visible_to(user: User) -> QuerySet[Agreement]:
    """The agreements of the user's enterprise (as lender or borrower) and those naming the user as worker."""
    if not user.is_authenticated:
        return Agreement.objects.none()
    if is_platform_admin(user):
        return Agreement.objects.all()
    visible = Q(worker__user_id=user.pk)
    enterprise_id = member_enterprise_id(user)
    if enterprise_id is not None:
        visible |= Q(lender_id=enterprise_id) | Q(borrower_id=enterprise_id)
    return Agreement.objects.filter(visible)


def access_agreement_for_user(user: User, pk: int) -> Agreement:
    """An agreement the user is a party to (or its worker); 404 otherwise."""
    agreement = (
        agreements_visible_to(user)
        .select_related("lender", "borrower", "worker", "surplus_post", "demand_post")
        .filter(pk=pk)
        .first()
    )
    if agreement is None:
        raise Http404("no such agreement")
    return agreement


def is_party(user: User, agreement: Agreement) -> bool:
    return member_enterprise_id(user) in (agreement.lender_id, agreement.borrower_id)


def can_answer(user: User, agreement: Agreement) -> bool:
    """Only the worker, signed in as themself, confirms or declines a proposed agreement."""
    return agreement.status == AgreementStatus.PROPOSED and _is_user(user, agreement.worker.user_id)


def can_activate(user: User, agreement: Agreement) -> bool:
    """The lender, the worker's employer, puts a worker-confirmed agreement into force."""
    return (
        agreement.status == AgreementStatus.WORKER_CONFIRMED
        and member_enterprise_id(user) == agreement.lender_id
    )


def can_cancel(user: User, agreement: Agreement) -> bool:
    """Either enterprise withdraws an agreement before it is active."""
    return agreement.status in (AgreementStatus.PROPOSED, AgreementStatus.WORKER_CONFIRMED) and is_party(
        user, agreement
    )


def can_end(user: User, agreement: Agreement) -> bool:
    """Either enterprise ends an active agreement."""
    return agreement.status == AgreementStatus.ACTIVE and is_party(user, agreement)


def can_record_hours(user: User, agreement: Agreement) -> bool:
    """The borrower, where the work is done, records hours of an active (or just ended) agreement."""
    return agreement.status in HOURS_STATUSES and member_enterprise_id(user) == agreement.borrower_id


def can_see_region_counts(user: User) -> bool:
    """Officials (their region) and operators (everywhere) see aggregate counts, never a person."""
    return official_scope_of(user) is not None


def sees_worker_of(user: User, agreement: Agreement) -> bool:
    """The agreement names its worker, so its parties and the worker read the name and phone; operators do not."""
    return is_party(user, agreement) or _is_user(user, agreement.worker.user_id)
