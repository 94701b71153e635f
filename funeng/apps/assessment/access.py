"""Who may see, fill in and verify which assessment; every page, download and API call goes through here.

Not visible → Http404 (existence is not revealed); visible but not allowed → PermissionDenied.

- Enterprise users see and fill in their own enterprise's assessments (any colleague may answer;
  answers change only while the round is a draft).
- Officials see the assessments of enterprises in their region and verify or reject evidence there.
- Platform administrators see all and may verify evidence anywhere; they do not answer for an
  enterprise (a self-assessment is the enterprise's own statement).
- Banks see *submitted results only*, and only of enterprises that granted them an active consent
  covering the "digital" data category (the maturity level is digital-capability data, the same
  category as cloud use). Drafts, answers and evidence files stay hidden from banks; each read
  is logged against the consent, as for the registry.
- Service providers see none: a provider shown a prospect's gaps would have a sales lead the
  enterprise never agreed to give (matchmaking shares needs explicitly, in its own issue).
"""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from engines.reference.regions import region_prefix
from funeng.apps.assessment.const import AssessmentStatus
from funeng.apps.assessment.models import Answer, Assessment, Evidence
from funeng.apps.consents.const import DataCategory
from funeng.apps.consents.models import Consent
from funeng.apps.core.const import Role
from funeng.apps.core.identity import is_platform_admin, membership_of
from funeng.apps.enterprises.models import Enterprise

User = AbstractBaseUser | AnonymousUser


def enterprise_ids_consented_digital(user: User) -> set[int]:
    """Enterprises whose active consent to the user's bank covers the digital category."""
    membership = membership_of(user)
    if membership is None or membership.role != Role.BANK or membership.institution_id is None:
        return set()
    consented = Consent.objects.active().filter(institution_id=membership.institution_id)
    # Categories are a JSON list (no containment lookup on SQLite); one bank's active consents are few.
    return {
        pk
        for pk, categories in consented.values_list("enterprise_id", "categories")
        if DataCategory.DIGITAL in categories
    }


def assessments_visible_to(user: User) -> QuerySet[Assessment]:
    """The assessments a user may list."""
    if is_platform_admin(user):
        return Assessment.objects.all()
    membership = membership_of(user)
    if membership is None:
        return Assessment.objects.none()
    if membership.role == Role.ENTERPRISE and membership.enterprise_id is not None:
        return Assessment.objects.filter(enterprise_id=membership.enterprise_id)
    # A blank region would give the prefix "", which every code starts with.
    if membership.role == Role.OFFICIAL and membership.region_code:
        return Assessment.objects.filter(
            enterprise__region_code__startswith=region_prefix(membership.region_code)
        )
    if membership.role == Role.BANK:
        return Assessment.objects.filter(
            status=AssessmentStatus.SUBMITTED, enterprise_id__in=enterprise_ids_consented_digital(user)
        )
    return Assessment.objects.none()


def can_answer(user: User, assessment: Assessment) -> bool:
    """The enterprise's own users change answers and attach evidence."""
    membership = membership_of(user)
    if membership is None or membership.role != Role.ENTERPRISE:
        return False
    return membership.enterprise_id == assessment.enterprise_id


def can_start_assessment(user: User, enterprise: Enterprise) -> bool:
    """An enterprise's own users start its assessments (T0 and re-assessments)."""
    membership = membership_of(user)
    return (
        membership is not None
        and membership.role == Role.ENTERPRISE
        and membership.enterprise_id == enterprise.pk
    )


def can_review_evidence(user: User, assessment: Assessment) -> bool:
    """Officials of the enterprise's region, and platform administrators, verify or reject evidence."""
    if is_platform_admin(user):
        return True
    membership = membership_of(user)
    if membership is None or membership.role != Role.OFFICIAL or not membership.region_code:
        return False
    return assessment.enterprise.region_code.startswith(region_prefix(membership.region_code))


def can_see_answers(user: User, assessment: Assessment) -> bool:
    """Answers and evidence: the enterprise, its officials and administrators; never a bank."""
    return can_answer(user, assessment) or can_review_evidence(user, assessment)


def can_see_region(user: User) -> bool:
    """The regional dashboard and verification queue: officials and administrators."""
    if is_platform_admin(user):
        return True
    membership = membership_of(user)
    return membership is not None and membership.role == Role.OFFICIAL and bool(membership.region_code)


def access_assessment_for_user(
    user: User, assessment_id: int, *, write: bool = False, review: bool = False, answers: bool = False
) -> Assessment:
    """The assessment if visible (Http404), checked for answering, reviewing or reading answers (403)."""
    assessment = assessments_visible_to(user).select_related("enterprise").filter(pk=assessment_id).first()
    if assessment is None:
        raise Http404
    if write and not can_answer(user, assessment):
        raise PermissionDenied
    if review and not can_review_evidence(user, assessment):
        raise PermissionDenied
    if answers and not can_see_answers(user, assessment):
        raise PermissionDenied
    return assessment


def access_answer_for_user(user: User, answer_id: int, *, review: bool = False) -> Answer:
    """An answer of a visible assessment whose answers the user may read (Http404 / 403)."""
    answer = (
        Answer.objects.select_related("assessment__enterprise")
        .filter(pk=answer_id, assessment__in=assessments_visible_to(user))
        .first()
    )
    if answer is None:
        raise Http404
    if not can_see_answers(user, answer.assessment):
        raise PermissionDenied
    if review and not can_review_evidence(user, answer.assessment):
        raise PermissionDenied
    return answer


def access_evidence_for_user(user: User, evidence_id: int) -> Evidence:
    """An evidence file the user may download: the enterprise, its officials, administrators."""
    evidence = (
        Evidence.objects.select_related("answer__assessment__enterprise")
        .filter(pk=evidence_id, answer__assessment__in=assessments_visible_to(user))
        .first()
    )
    if evidence is None:
        raise Http404
    if not can_see_answers(user, evidence.answer.assessment):
        raise PermissionDenied
    return evidence
