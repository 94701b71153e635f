"""Shared-manufacturing pages: the capacity registry, factories and machines, orders, plans with a Gantt chart."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from funeng.apps.core.identity import is_platform_admin
from funeng.apps.core.pages import form_errors_from, submit_once
from funeng.apps.enterprises.access import enterprises_visible_to
from funeng.apps.enterprises.models import Enterprise
from funeng.apps.shared_manufacturing.access import (
    access_factory_for_user,
    access_machine_for_user,
    access_order_for_user,
    access_plan_for_user,
    access_share_for_user,
    can_create_order,
    can_manage_factory,
    can_manage_order,
    factories_visible_to,
    member_enterprise_id,
    orders_visible_to,
    plan_rows_for,
    sees_whole_order,
    shares_visible_to,
)
from funeng.apps.shared_manufacturing.const import PlanStatus, ShareState
from funeng.apps.shared_manufacturing.forms import (
    WEEKDAYS,
    ClosureForm,
    DeclineForm,
    DowntimeForm,
    FactoryForm,
    MachineForm,
    OrderForm,
    RoutingFormSet,
)
from funeng.apps.shared_manufacturing.interchange import RoutingProblem, read_routing, routing_template
from funeng.apps.shared_manufacturing.models import Factory, FactoryShare, Machine, Plan
from funeng.apps.shared_manufacturing.planning import current_plan, plan_start
from funeng.apps.shared_manufacturing.processes import process_choices, processes_by_id
from funeng.apps.shared_manufacturing.selectors import gantt_spec, shared_factory_enterprise_ids, trace_spec
from funeng.apps.shared_manufacturing.services import (
    OperationInput,
    closure_add,
    downtime_report,
    factory_create,
    factory_update,
    machine_create,
    machine_update,
    order_cancel,
    order_create,
    share_decide,
)
from funeng.apps.shared_manufacturing.tasks import PLAN_SOLVE
from funeng.apps.tasks.services import task_enqueue

PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _enqueue_solve(request: HttpRequest, plan: Plan) -> None:
    task_enqueue(
        kind=PLAN_SOLVE, started_by=request.user, params={"plan": plan.pk}, region_code=plan.order.region_code
    )


@require_GET
@login_required
def home_view(request: HttpRequest) -> HttpResponse:
    """What the user has to do here: shares to decide, own factories, own orders; the registry's size."""
    enterprise_id = member_enterprise_id(request.user)
    pending = FactoryShare.objects.none()
    own_factories = Factory.objects.none()
    if enterprise_id is not None:
        pending = FactoryShare.objects.filter(
            factory__enterprise_id=enterprise_id, state=ShareState.PENDING, plan__status=PlanStatus.PROPOSED
        ).select_related("plan", "plan__order", "factory")
        own_factories = Factory.objects.filter(enterprise_id=enterprise_id)
    elif is_platform_admin(request.user):
        pending = FactoryShare.objects.filter(
            state=ShareState.PENDING, plan__status=PlanStatus.PROPOSED
        ).select_related("plan", "plan__order", "factory")[:PAGE_SIZE]
    registry = factories_visible_to(request.user).filter(is_active=True)
    context = {
        "pending": pending,
        "own_factories": own_factories.order_by("name"),
        "orders": orders_visible_to(request.user).select_related("customer")[:20],
        "factory_count": registry.count(),
        "machine_count": Machine.objects.filter(
            factory__in=registry, is_active=True, offered_share__gt=0
        ).count(),
        "can_create_order": can_create_order(request.user),
        "can_add_factory": enterprise_id is not None,
    }
    return render(request, "shared_manufacturing/home.html", context)


@require_GET
@login_required
def capacity_view(request: HttpRequest) -> HttpResponse:
    """The capacity registry: factories with the processes they offer, filtered by process and region."""
    process = request.GET.get("process", "")
    region = request.GET.get("region", "").strip()
    factories = factories_visible_to(request.user).filter(is_active=True).select_related("enterprise")
    if region.isdigit():
        factories = factories.filter(region_code__startswith=region.rstrip("0") or region)
    machines = Machine.objects.filter(
        factory__in=factories, is_active=True, offered_share__gt=0
    ).select_related("factory")
    by_factory: dict[int, list[Machine]] = {}
    for machine in machines:
        if process and process not in machine.processes:
            continue
        by_factory.setdefault(machine.factory_id, []).append(machine)
    shared = shared_factory_enterprise_ids()
    rows = [
        {
            "factory": factory,
            "machines": by_factory[factory.pk],
            "processes": sorted({p for m in by_factory[factory.pk] for p in m.process_names}),
            "shared": factory.enterprise_id in shared,
            "price_low": min(m.price_per_hour for m in by_factory[factory.pk]),
            "price_high": max(m.price_per_hour for m in by_factory[factory.pk]),
        }
        for factory in factories.order_by("region_code", "name")
        if factory.pk in by_factory
    ]
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "process": process if process in processes_by_id() else "",
        "region": region,
        "process_choices": process_choices(),
    }
    return render(request, "shared_manufacturing/capacity.html", context)


def _form_page(
    request: HttpRequest,
    form: forms.Form,
    *,
    save: Callable[[dict[str, Any]], Any],
    done: str,
    then: Callable[[Any], HttpResponse],
    title: str,
    back: Factory | None = None,
) -> HttpResponse:
    """A form page whose post goes through a service: errors next to the fields, or a message and a redirect."""
    if request.method == "POST" and form.is_valid():
        try:
            saved = save(dict(form.cleaned_data))
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, done)
            return then(saved)
    return render(request, "shared_manufacturing/form.html", {"form": form, "title": title, "back": back})


def _to_factory(factory_id: int) -> HttpResponse:
    return redirect("shared_manufacturing:factory", factory_id)


def _weekdays(data: dict[str, Any]) -> dict[str, Any]:
    data["working_weekdays"] = [int(d) for d in data.get("working_weekdays") or []]
    return data


@require_http_methods(["GET", "POST"])
@login_required
@submit_once
def factory_new_view(request: HttpRequest) -> HttpResponse:
    """Register a site of the user's enterprise."""
    enterprise_id = member_enterprise_id(request.user)
    if enterprise_id is None:
        raise PermissionDenied
    enterprise = Enterprise.objects.get(pk=enterprise_id)
    return _form_page(
        request,
        FactoryForm(request.POST or None, initial={"region_code": enterprise.region_code}),
        save=lambda data: factory_create(actor=request.user, enterprise=enterprise, data=_weekdays(data)),
        done=_("Factory registered. Add its machines next."),
        then=lambda factory: _to_factory(factory.pk),
        title=_("Register a factory"),
    )


@require_http_methods(["GET", "POST"])
@login_required
@submit_once
def factory_edit_view(request: HttpRequest, factory_id: int) -> HttpResponse:
    """Change a factory's details and working hours."""
    factory = access_factory_for_user(request.user, factory_id, write=True)
    initial = {field: getattr(factory, field) for field in FactoryForm.base_fields}
    return _form_page(
        request,
        FactoryForm(request.POST or None, initial=initial),
        save=lambda data: factory_update(actor=request.user, factory=factory, data=_weekdays(data)),
        done=_("Factory saved."),
        then=lambda saved: _to_factory(saved.pk),
        title=factory.name,
        back=factory,
    )


@require_GET
@login_required
def factory_view(request: HttpRequest, factory_id: int) -> HttpResponse:
    """A factory: working hours, closures, machines with their processes, prices and downtime."""
    factory = access_factory_for_user(request.user, factory_id)
    manage = can_manage_factory(request.user, factory)
    machines = factory.machines.all() if manage else factory.machines.filter(is_active=True)
    context = {
        "factory": factory,
        "machines": machines.prefetch_related("downtimes"),
        "closures": factory.closures.filter(last_day__gte=timezone.localdate()),
        "manage": manage,
        "shared": factory.enterprise_id in shared_factory_enterprise_ids(),
        "closure_form": ClosureForm() if manage else None,
        "weekdays": [str(label) for day, label in WEEKDAYS if day in (factory.working_weekdays or [])],
    }
    return render(request, "shared_manufacturing/factory.html", context)


@require_POST
@login_required
@submit_once
def closure_new_view(request: HttpRequest, factory_id: int) -> HttpResponse:
    """Close the factory for some days."""
    factory = access_factory_for_user(request.user, factory_id, write=True)
    form = ClosureForm(request.POST)
    if form.is_valid():
        try:
            closure_add(actor=request.user, factory=factory, **form.cleaned_data)
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, _("Closure recorded."))
            return redirect("shared_manufacturing:factory", factory.pk)
    return render(
        request,
        "shared_manufacturing/form.html",
        {"form": form, "title": _("Close the factory for some days"), "back": factory},
        status=400,
    )


@require_http_methods(["GET", "POST"])
@login_required
@submit_once
def machine_new_view(request: HttpRequest, factory_id: int) -> HttpResponse:
    """Add a machine to a factory."""
    factory = access_factory_for_user(request.user, factory_id, write=True)
    return _form_page(
        request,
        MachineForm(request.POST or None),
        save=lambda data: machine_create(actor=request.user, factory=factory, data=data),
        done=_("Machine added."),
        then=lambda machine: _to_factory(machine.factory_id),
        title=_("Add a machine"),
        back=factory,
    )


@require_http_methods(["GET", "POST"])
@login_required
@submit_once
def machine_edit_view(request: HttpRequest, machine_id: int) -> HttpResponse:
    """Change a machine's processes, speed, price or the share offered."""
    machine = access_machine_for_user(request.user, machine_id, write=True)
    initial = {field: getattr(machine, field) for field in MachineForm.base_fields}
    return _form_page(
        request,
        MachineForm(request.POST or None, initial=initial),
        save=lambda data: machine_update(actor=request.user, machine=machine, data=data),
        done=_("Machine saved."),
        then=lambda saved: _to_factory(saved.factory_id),
        title=str(machine),
        back=machine.factory,
    )


@require_http_methods(["GET", "POST"])
@login_required
@submit_once
def downtime_new_view(request: HttpRequest, machine_id: int) -> HttpResponse:
    """Report a machine down (maintenance or breakdown); plans that use it are planned again."""
    machine = access_machine_for_user(request.user, machine_id, write=True)
    form = DowntimeForm(
        request.POST or None, initial={"starts_at": timezone.localtime().replace(second=0, microsecond=0)}
    )
    if request.method == "POST" and form.is_valid():
        try:
            result = downtime_report(actor=request.user, machine=machine, **form.cleaned_data)
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            for plan in result.replans:
                _enqueue_solve(request, plan)
            if result.replans:
                messages.success(
                    request,
                    _("Downtime recorded; %(count)s plan(s) that used this machine are being planned again.")
                    % {"count": len(result.replans)},
                )
            else:
                messages.success(
                    request, _("Downtime recorded; no current plan uses the machine in that time.")
                )
            return redirect("shared_manufacturing:factory", machine.factory_id)
    title = _("Report %(machine)s down") % {"machine": machine.name}
    return render(
        request, "shared_manufacturing/form.html", {"form": form, "title": title, "back": machine.factory}
    )


@require_GET
@login_required
def orders_view(request: HttpRequest) -> HttpResponse:
    """The orders the user may see, newest first."""
    orders = orders_visible_to(request.user).select_related("customer")
    status = request.GET.get("status", "")
    if status:
        orders = orders.filter(status=status)
    page = Paginator(orders, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "shared_manufacturing/orders.html",
        {"page": page, "status": status, "can_create_order": can_create_order(request.user)},
    )


@require_http_methods(["GET", "POST"])
@login_required
@submit_once
def order_new_view(request: HttpRequest) -> HttpResponse:
    """Enter an order with its routing; the plan starts from the order's page."""
    if not can_create_order(request.user):
        raise PermissionDenied
    enterprise_id = member_enterprise_id(request.user)
    customers = None if enterprise_id is not None else enterprises_visible_to(request.user).order_by("name")
    today = timezone.localdate()
    form = OrderForm(
        request.POST or None, request.FILES or None, customers=customers, initial={"order_date": today}
    )
    routing = RoutingFormSet(request.POST or None, prefix="op")
    problems: list[RoutingProblem] = []
    if request.method == "POST" and form.is_valid() and routing.is_valid():
        data = form.cleaned_data
        upload = data.get("routing_file")
        if upload:
            rows, problems = _routing_from_upload(upload)
        else:
            rows = [row.operation() for row in routing if not row.is_blank()]
    if request.method == "POST" and form.is_valid() and routing.is_valid() and not problems:
        customer = Enterprise.objects.get(pk=enterprise_id) if enterprise_id is not None else data["customer"]
        try:
            order = order_create(
                actor=request.user,
                customer=customer,
                product=data["product"],
                quantity=data["quantity"],
                order_date=data["order_date"],
                due_date=data["due_date"],
                operations=rows,
                quality_requirements=data.get("quality_requirements") or "",
                reference=data.get("reference") or "",
            )
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(
                request,
                _("Order %(number)s entered. Start the plan when the routing is right.")
                % {"number": order.number},
            )
            return redirect("shared_manufacturing:order", order.pk)
    return render(
        request,
        "shared_manufacturing/order_new.html",
        {"form": form, "routing": routing, "problems": problems},
    )


def _routing_from_upload(upload: Any) -> tuple[list[OperationInput], list[RoutingProblem]]:
    name = Path(upload.name or "routing.xlsx").name
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / ("upload" + Path(name).suffix.lower())
        with path.open("wb") as handle:
            for chunk in upload.chunks():
                handle.write(chunk)
        return read_routing(path, name)


@require_GET
@login_required
def routing_template_view(request: HttpRequest) -> HttpResponse:
    """The routing import template (XLSX) with an example and the process list."""
    response = HttpResponse(routing_template(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="routing-template.xlsx"'
    return response


@require_GET
@login_required
def order_view(request: HttpRequest, order_id: int) -> HttpResponse:
    """An order: its routing, its plan versions and the plan in force."""
    order = access_order_for_user(request.user, order_id)
    whole = sees_whole_order(request.user, order)
    operations = order.operations.prefetch_related("predecessors")
    plans = order.plans.all()
    if not whole:
        enterprise_id = member_enterprise_id(request.user) or 0
        plans = plans.filter(shares__factory__enterprise_id=enterprise_id).distinct()
    context = {
        "order": order,
        "operations": operations,
        "plans": plans,
        "current": current_plan(order),
        "solving": order.plans.filter(status=PlanStatus.SOLVING).first(),
        "manage": can_manage_order(request.user, order),
        "whole": whole,
    }
    return render(request, "shared_manufacturing/order.html", context)


@require_POST
@login_required
@submit_once
def order_plan_view(request: HttpRequest, order_id: int) -> HttpResponse:
    """Start planning the order (again) in the background; the plan page shows the search live."""
    order = access_order_for_user(request.user, order_id, write=True)
    if order.status == "cancelled":
        raise PermissionDenied
    plan = plan_start(order=order, actor=request.user, cause="manual" if current_plan(order) else "initial")
    _enqueue_solve(request, plan)
    return redirect("shared_manufacturing:plan", plan.pk)


@require_POST
@login_required
@submit_once
def order_cancel_view(request: HttpRequest, order_id: int) -> HttpResponse:
    """Cancel an order; its plan frees the machines."""
    order = access_order_for_user(request.user, order_id, write=True)
    order_cancel(actor=request.user, order=order)
    messages.success(request, _("Order cancelled."))
    return redirect("shared_manufacturing:order", order.pk)


@require_GET
@login_required
def plan_view(request: HttpRequest, plan_id: int) -> HttpResponse:
    """A plan version: the Gantt chart, each factory's share, transport legs, what moved; live while solving."""
    plan = access_plan_for_user(request.user, plan_id)
    rows = list(plan_rows_for(request.user, plan))
    shares = list(shares_visible_to(request.user, plan))
    enterprise_id = member_enterprise_id(request.user)
    decidable = {
        share.pk
        for share in shares
        if share.state == ShareState.PENDING
        and plan.status == PlanStatus.PROPOSED
        and (enterprise_id == share.factory.enterprise_id or is_platform_admin(request.user))
    }
    whole = sees_whole_order(request.user, plan.order)
    context = {
        "plan": plan,
        "order": plan.order,
        "rows": rows,
        "shares": shares,
        "decidable": decidable,
        "decline_form": DeclineForm(),
        "whole": whole,
        "gantt": gantt_spec(plan, rows),
        "trace": trace_spec(plan),
        "legs": plan.explanation.get("transport", []) if whole else [],
        "moved": [row for row in rows if row.changed],
    }
    if request.headers.get("HX-Request"):
        if plan.status != PlanStatus.SOLVING:
            # The solve has ended: the whole page changes (chart, shares), so htmx reloads it.
            response = HttpResponse(status=204)
            response["HX-Refresh"] = "true"
            return response
        return render(request, "shared_manufacturing/_plan_live.html", context)
    return render(request, "shared_manufacturing/plan.html", context)


@require_POST
@login_required
@submit_once
def share_accept_view(request: HttpRequest, share_id: int) -> HttpResponse:
    """The factory accepts its operations in the plan."""
    share = access_share_for_user(request.user, share_id)
    try:
        share_decide(actor=request.user, share=share, accept=True)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Accepted: %(factory)s runs its operations as planned.") % {"factory": share.factory.name},
        )
    return redirect("shared_manufacturing:plan", share.plan_id)


@require_POST
@login_required
@submit_once
def share_decline_view(request: HttpRequest, share_id: int) -> HttpResponse:
    """The factory declines its share; the order is planned again without it."""
    share = access_share_for_user(request.user, share_id)
    form = DeclineForm(request.POST)
    reason = request.POST.get("reason", "") if form.is_valid() else ""
    try:
        replan = share_decide(actor=request.user, share=share, accept=False, reason=reason)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("shared_manufacturing:plan", share.plan_id)
    if replan is not None:
        _enqueue_solve(request, replan)
        messages.success(
            request,
            _("Declined. The order is being planned again without %(factory)s.")
            % {"factory": share.factory.name},
        )
    return redirect("shared_manufacturing:plan", share.plan_id)
