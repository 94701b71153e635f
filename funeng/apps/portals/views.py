"""Home page: one overview per role (enterprise, provider, bank, official, platform administrator)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from engines.classify import digital_economy_class, size_class
from engines.reference.industry import industry_table
from engines.reference.regions import region_table
from funeng.apps.accounts.access import can_submit_claim
from funeng.apps.accounts.selectors import claim_latest_of
from funeng.apps.audit.models import AuditEvent
from funeng.apps.consents.access import consents_visible_to
from funeng.apps.consents.models import Consent, ConsentRead
from funeng.apps.core.const import Role
from funeng.apps.core.i18n import engine_language
from funeng.apps.core.identity import membership_of, role_of
from funeng.apps.core.models import Membership
from funeng.apps.enterprises.access import (
    access_enterprise_for_user,
    enterprise_fields_writable_by,
    enterprises_visible_to,
)
from funeng.apps.notifications.access import inbox_enterprise_id, notifications_visible_to
from funeng.apps.notifications.const import Topic
from funeng.apps.policies.access import policy_notices_visible_to, policy_runs_visible_to
from funeng.apps.policies.selectors import programme_name
from funeng.apps.portals.selectors import profile_completeness, registry_overview
from funeng.apps.providers.access import access_provider_for_user, providers_visible_to
from funeng.apps.providers.const import VettingState
from funeng.apps.providers.models import Provider

Context = dict[str, Any]
EXPIRING_WITHIN = timedelta(days=30)


def _region_name(code: str) -> str:
    return region_table().display_name(code, default=code)


def _enterprise_home(request: HttpRequest) -> tuple[str, Context]:
    membership = membership_of(request.user)
    assert membership is not None and membership.enterprise_id is not None
    enterprise = access_enterprise_for_user(request.user, membership.enterprise_id)
    industry = industry_table().by_code.get(enterprise.industry_code)
    consents = consents_visible_to(request.user)
    size = size_class(
        enterprise.industry_code, enterprise.employees, enterprise.revenue_cny, enterprise.assets_cny
    )
    context = {
        "enterprise": enterprise,
        "is_enterprise_admin": membership.is_enterprise_admin,
        "can_edit": bool(enterprise_fields_writable_by(request.user, enterprise)),
        "industry_name": industry.name if industry is not None else "",
        "region_name": _region_name(enterprise.region_code),
        "size": size,
        "size_missing": size.missing_labels(engine_language()),
        "de": digital_economy_class(enterprise.industry_code),
        "completeness": profile_completeness(enterprise),
        "active_consents": consents.active().select_related("institution")[:5],
        "active_consent_count": consents.active().count(),
        "recent_reads": ConsentRead.objects.filter(consent__in=consents)
        .select_related("consent__institution", "reader")
        .order_by("-read_at")[:5],
        "colleague_count": Membership.objects.filter(enterprise_id=enterprise.pk).count(),
        "policy_notices": policy_notices_visible_to(request.user).filter(read_at__isnull=True)[:3],
    }
    return "portals/home_enterprise.html", context


def _provider_home(request: HttpRequest) -> tuple[str, Context]:
    membership = membership_of(request.user)
    assert membership is not None and membership.provider_id is not None
    provider = access_provider_for_user(request.user, membership.provider_id)
    context = {
        "provider": provider,
        "region_name": _region_name(provider.region_code),
        "colleague_count": Membership.objects.filter(provider_id=provider.pk).count(),
        "approved_peers": Provider.objects.filter(vetting_state=VettingState.APPROVED).count(),
    }
    return "portals/home_provider.html", context


def _bank_home(request: HttpRequest) -> tuple[str, Context]:
    membership = membership_of(request.user)
    assert membership is not None
    today = timezone.localdate()
    active = consents_visible_to(request.user).active(today).select_related("enterprise")
    since = timezone.now() - timedelta(days=30)
    context = {
        "institution": membership.institution,
        "active_consents": active.order_by("valid_until")[:10],
        "active_consent_count": active.count(),
        "enterprise_count": active.values("enterprise_id").distinct().count(),
        "expiring_count": active.filter(valid_until__lte=today + EXPIRING_WITHIN).count(),
        "reads_30d": ConsentRead.objects.filter(
            consent__institution_id=membership.institution_id, read_at__gte=since
        ).count(),
        "expiring_before": today + EXPIRING_WITHIN,
    }
    return "portals/home_bank.html", context


def _official_home(request: HttpRequest) -> tuple[str, Context]:
    membership = membership_of(request.user)
    assert membership is not None
    pending = providers_visible_to(request.user).filter(vetting_state=VettingState.APPLIED)
    context = {
        "region_code": membership.region_code,
        "region_name": _region_name(membership.region_code),
        "overview": registry_overview(
            enterprises_visible_to(request.user), region_code=membership.region_code
        ),
        "pending_providers": pending.order_by("id")[:5],
        "pending_count": pending.count(),
        # Runs store the programme's id; people read its name.
        "policy_runs": [
            (run, programme_name(run.programme_id)) for run in policy_runs_visible_to(request.user)[:3]
        ],
        "provider_count": providers_visible_to(request.user)
        .filter(vetting_state=VettingState.APPROVED)
        .count(),
    }
    return "portals/home_official.html", context


def _admin_home(request: HttpRequest) -> tuple[str, Context]:
    since = timezone.now() - timedelta(days=1)
    by_state = dict(Provider.objects.values_list("vetting_state").annotate(n=Count("id")).order_by())
    context = {
        "overview": registry_overview(enterprises_visible_to(request.user), region_code=None),
        "members_by_role": [
            (label, Membership.objects.filter(role=value).count()) for value, label in Role.choices
        ],
        "providers_by_state": [
            (value, label, by_state.get(value, 0)) for value, label in VettingState.choices
        ],
        "active_consent_count": Consent.objects.active().count(),
        "audit_24h": AuditEvent.objects.filter(occurred_at__gte=since).count(),
    }
    return "portals/home_admin.html", context


def _no_role_home(request: HttpRequest) -> tuple[str, Context]:
    """No role yet: where the account's enterprise claim stands, and how to claim (again)."""
    claim = claim_latest_of(request.user)
    context = {
        # Only what the claimant entered: the registry's data stays hidden until the claim is approved.
        "claim": claim,
        "claim_region_name": _region_name(claim.entered_region_code) if claim is not None else "",
        "can_claim": can_submit_claim(request.user),
    }
    return "portals/home_no_role.html", context


HOMES: dict[str | None, Callable[[HttpRequest], tuple[str, Context]]] = {
    Role.ENTERPRISE: _enterprise_home,
    Role.PROVIDER: _provider_home,
    Role.BANK: _bank_home,
    Role.OFFICIAL: _official_home,
    Role.ADMIN: _admin_home,
}


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The overview for the user's role; users without a role are told how to get one."""
    role = role_of(request.user)
    template, context = HOMES.get(role, _no_role_home)(request)
    context["role"] = role
    context["role_label"] = Role(role).label if role else ""
    return render(request, template, context)


MESSAGES_PER_PAGE = 25


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """The enterprise's messages (loan decisions, receivables…), newest first, and its unread policy notices.

    Only an enterprise's members have an inbox; everyone else is refused (404, as for any object
    they may not see).
    """
    enterprise_id = inbox_enterprise_id(request.user)
    if enterprise_id is None:
        raise Http404("no inbox")
    messages = notifications_visible_to(request.user)
    unread = messages.filter(read_at__isnull=True).count()
    unread_only = request.GET.get("unread") == "1"
    if unread_only:
        messages = messages.filter(read_at__isnull=True)
    topic = request.GET.get("topic", "")
    if topic in Topic.values:
        messages = messages.filter(topic=topic)
    else:
        topic = ""
    page = Paginator(messages, MESSAGES_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "portals/inbox.html",
        {
            "page": page,
            "unread": unread,
            "unread_only": unread_only,
            "topic": topic,
            "topics": Topic.choices,
            "notices_unread": policy_notices_visible_to(request.user).filter(read_at__isnull=True).count(),
        },
    )
