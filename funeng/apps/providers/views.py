"""Provider pages: the officials' vetting queue, a provider's page with its decisions, profile edits."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from engines.reference.regions import region_table
from funeng.apps.audit.models import AuditEvent
from funeng.apps.core.pages import (
    LOGIN_BACKEND,
    Action,
    action_view,
    anonymous_only,
    confirmation_page,
    form_errors_from,
    submit_once,
)
from funeng.apps.core.sorting import sort_from_query
from funeng.apps.core.throttle import REGISTER, throttled
from funeng.apps.providers.access import (
    access_provider_for_user,
    can_edit_provider,
    can_list_providers_for_vetting,
    can_vet_provider,
    providers_visible_to,
)
from funeng.apps.providers.const import VettingState
from funeng.apps.providers.forms import (
    STATE_FILTER_ALL,
    ProviderApplicationForm,
    ProviderEditForm,
    ProviderFilterForm,
    VettingForm,
)
from funeng.apps.providers.models import Provider
from funeng.apps.providers.services import (
    VETTING_TRANSITIONS,
    VettingDecision,
    provider_apply,
    provider_update,
    provider_vet,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

PAGE_SIZE = 50


def _region_name(code: str) -> str:
    return region_table().full_name(code, default="")


def _decisions_for(provider: Provider) -> list[tuple[str, StrOrPromise]]:
    """The decisions that make sense for the provider's current state, for the vetting form."""
    return [
        (value, label)
        for value, label in VettingDecision.choices
        if provider.vetting_state in VETTING_TRANSITIONS[value][0]
    ]


# Columns the vetting list sorts by (?sort=key or ?sort=-key); anything else keeps the name order.
PROVIDER_SORTS: dict[str, tuple[str, ...]] = {
    "name": ("name",),
    "credit_code": ("credit_code",),
    "region": ("region_code",),
    "state": ("vetting_state",),
}


@login_required
def provider_list_view(request: HttpRequest) -> HttpResponse:
    """Providers of the official's region (operators: all), applications awaiting a decision first."""
    if not can_list_providers_for_vetting(request.user):
        raise PermissionDenied
    filters = ProviderFilterForm(request.GET or None)
    state = filters.state_value()
    sort = sort_from_query(request.GET, PROVIDER_SORTS)
    queryset = providers_visible_to(request.user).order_by("name", "id")
    if state != STATE_FILTER_ALL:
        queryset = queryset.filter(vetting_state=state)
    if sort.key:
        queryset = queryset.order_by(*sort.order_by(PROVIDER_SORTS))
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "rows": [(provider, _region_name(provider.region_code)) for provider in page.object_list],
        "state": state,
        "sort": sort,
        "states": [*VettingState.choices, (STATE_FILTER_ALL, _("All states"))],
    }
    return render(request, "providers/list.html", context)


def _state_label(value: object) -> str:
    return str(dict(VettingState.choices).get(str(value), "—")) if value else "—"


def _vetting_history(provider: Provider) -> list[dict[str, Any]]:
    """The provider's state changes, newest first, read from its audit rows."""
    events = AuditEvent.objects.filter(
        object_type=provider._meta.label_lower, object_id=str(provider.pk)
    ).order_by("-occurred_at", "-id")[:50]
    return [
        {
            "at": event.occurred_at,
            "by": event.actor_label,
            "from": _state_label(event.changes["vetting_state"][0]),
            "to": _state_label(event.changes["vetting_state"][1]),
            "reason": (event.changes.get("vetting_reason") or [None, ""])[1] or "",
        }
        for event in events
        if "vetting_state" in event.changes
    ]


def _detail(request: HttpRequest, provider: Provider, *, vet_form: VettingForm | None = None) -> HttpResponse:
    may_vet = can_vet_provider(request.user, provider)
    may_edit = can_edit_provider(request.user, provider)
    if may_vet and vet_form is None:
        vet_form = VettingForm()
    if vet_form is not None:
        vet_form.fields["decision"].choices = [("", _("Choose a decision")), *_decisions_for(provider)]  # type: ignore[attr-defined]
    context = {
        "provider": provider,
        "region_name": _region_name(provider.region_code),
        "may_vet": may_vet,
        "may_edit": may_edit,
        "vet_form": vet_form if may_vet else None,
        "history": _vetting_history(provider) if (may_vet or may_edit) else [],
    }
    return render(request, "providers/detail.html", context)


@login_required
def provider_detail_view(request: HttpRequest, provider_id: int) -> HttpResponse:
    """One provider; its vetters see the decision form and history, its own users their state."""
    provider = access_provider_for_user(request.user, provider_id)
    return _detail(request, provider)


@require_POST
@login_required
def provider_vet_view(request: HttpRequest, provider_id: int) -> HttpResponse:
    """Record an official's decision on a provider."""
    provider = access_provider_for_user(request.user, provider_id, vet=True)
    if not isinstance(request.user, User):
        raise PermissionDenied
    form = VettingForm(request.POST)
    if form.is_valid():
        decision = VettingDecision(form.cleaned_data["decision"])
        confirm = confirmation_page(
            request,
            title=_("%(decision)s %(name)s?") % {"decision": decision.label, "name": provider.name},
            consequence=_(
                "The decision takes effect at once: the provider is told, with your reason: “%(reason)s”. "
                "It is kept in the audit log."
            )
            % {"reason": form.cleaned_data["reason"]},
            action=_("Confirm: %(decision)s") % {"decision": decision.label},
            back_url=reverse("providers:detail", args=[provider.pk]),
        )
        if confirm is not None:
            return confirm
        try:
            provider = provider_vet(
                actor=request.user,
                provider=provider,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(
                request,
                _("%(name)s is now “%(state)s”.")
                % {"name": provider.name, "state": provider.get_vetting_state_display()},
            )
            return redirect("providers:detail", provider.pk)
    return _detail(request, provider, vet_form=form)


@login_required
def provider_edit_view(request: HttpRequest, provider_id: int) -> HttpResponse:
    """A provider's own user changes its name and their contact email; nothing else is accepted."""
    provider = access_provider_for_user(request.user, provider_id, write=True)
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    initial = {"name": provider.name, "email": user.email}
    form = ProviderEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            provider_update(
                provider=provider,
                acting_user=user,
                name=form.cleaned_data["name"],
                email=form.cleaned_data["email"],
                resubmit=form.cleaned_data["resubmit"],
            )
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, _("Profile saved."))
            return redirect("providers:detail", provider.pk)
    context = {
        "form": form,
        "provider": provider,
        "show_resubmit": provider.vetting_state == VettingState.REJECTED,
    }
    return render(request, "providers/edit.html", context)


@sensitive_post_parameters("password", "password_confirm")
@never_cache
@anonymous_only
@throttled(REGISTER)
@submit_once
@action_view
def provider_apply_view(request: HttpRequest) -> Action:
    """Apply as a digital service provider; officials of the region vet the application."""
    form = ProviderApplicationForm(request.POST or None)
    return Action(
        lambda: provider_apply(
            name=form.cleaned_data["name"],
            credit_code=form.cleaned_data["credit_code"],
            region_code=form.cleaned_data["region_code"],
            email=form.cleaned_data["email"],
            username=form.cleaned_data["username"],
            password=form.cleaned_data["password"],
        ),
        form=form,
        template="providers/apply.html",
        then=lambda applied: login(request, applied[0], backend=LOGIN_BACKEND),
        success=lambda applied: (
            _(
                "Application for %(name)s received. Officials of your region will review it; "
                "you can log in to see its state."
            )
            % {"name": applied[1].name}
        ),
        redirect_to=("home",),
    )
