"""Digital-footprint pages: an enterprise's cloud bills and digital investments, and the cloud-bill import."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from funeng.apps.core.pages import form_errors_from, submit_once
from funeng.apps.core.uploads import FILE_TYPES, stored_file_response
from funeng.apps.finance.access import (
    access_footprint_for_user,
    access_investment_evidence_for_user,
    access_investment_for_user,
    can_declare_investment,
    can_import_cloud_usage,
    can_verify_investment,
    own_enterprise_id,
    reporting_provider_of,
)
from funeng.apps.finance.const import MAX_MONTHLY_CLOUD_BILL_CNY
from funeng.apps.finance.forms import CloudBillImportForm, InvestmentForm
from funeng.apps.finance.interchange import COLUMNS, ImportProblem, cloud_bill_template, read_cloud_bills
from funeng.apps.finance.models import CloudUsageRecord
from funeng.apps.finance.selectors import cloud_usage_reported_by, footprint_of
from funeng.apps.finance.services import (
    cloud_usage_import,
    digital_investment_declare,
    digital_investment_verify,
)

PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@require_GET
@login_required
def home_view(request: HttpRequest) -> HttpResponse:
    """An enterprise's own footprint; for providers and operators, the cloud-bill import."""
    enterprise_id = own_enterprise_id(request.user)
    if enterprise_id is not None:
        return redirect("finance:footprint", enterprise_id)
    if can_import_cloud_usage(request.user):
        return redirect("finance:import")
    raise Http404("no digital footprint for this role")


@require_GET
@login_required
def footprint_view(request: HttpRequest, enterprise_id: int) -> HttpResponse:
    """Bills by month and category, investments (delivered deals marked), totals and the recognised value."""
    enterprise = access_footprint_for_user(request.user, enterprise_id)
    footprint = footprint_of(enterprise, as_of=timezone.localdate())
    context = {
        "enterprise": enterprise,
        "footprint": footprint,
        "can_declare": can_declare_investment(request.user, enterprise),
        "verifiable": {
            investment.pk
            for investment, _line in footprint.investments
            if can_verify_investment(request.user, investment)
        },
        "english": (request.LANGUAGE_CODE or "").startswith("en"),
    }
    return render(request, "finance/footprint.html", context)


@require_POST
@login_required
def investment_verify_view(request: HttpRequest, investment_id: int) -> HttpResponse:
    """An official of the region confirms a self-declared investment against its evidence file."""
    investment = access_investment_for_user(request.user, investment_id)
    try:
        digital_investment_verify(investment=investment, acting_user=request.user)
    except ValidationError as error:
        messages.info(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Invoice %(invoice)s of %(supplier)s is verified: it now counts in full as credit evidence.")
            % {"invoice": investment.invoice_number, "supplier": investment.supplier},
        )
    return redirect(f"{reverse('finance:footprint', args=[investment.enterprise_id])}#investments")


@require_http_methods(["GET", "POST"])
@login_required
@submit_once
def investment_new_view(request: HttpRequest, enterprise_id: int) -> HttpResponse:
    """The enterprise's administrator declares a digital investment, with its evidence file."""
    enterprise = access_footprint_for_user(request.user, enterprise_id, write=True)
    form = InvestmentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            digital_investment_declare(
                enterprise=enterprise,
                acting_user=request.user,
                invoice_number=data["invoice_number"],
                amount_cny=data["amount_cny"],
                invested_on=data["invested_on"],
                supplier=data["supplier"],
                category=data["category"],
                evidence=data.get("evidence"),
            )
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, _("Investment recorded as declared by the enterprise."))
            return redirect("finance:footprint", enterprise.pk)
    return render(request, "finance/investment_new.html", {"enterprise": enterprise, "form": form})


@require_GET
@login_required
def investment_evidence_view(request: HttpRequest, investment_id: int) -> FileResponse:
    """An investment's evidence file, always as a download, for whoever sees the enterprise's footprint."""
    investment = access_investment_evidence_for_user(request.user, investment_id)
    content_type = FILE_TYPES.get(investment.evidence_kind, ("application/octet-stream", ""))[0]
    return stored_file_response(
        investment.evidence_file, filename=investment.evidence_name or "evidence", content_type=content_type
    )


@require_http_methods(["GET", "POST"])
@login_required
@submit_once
def import_view(request: HttpRequest) -> HttpResponse:
    """Import cloud bills (CSV or XLSX): every row checked first; one bad row imports nothing."""
    if not can_import_cloud_usage(request.user):
        raise PermissionDenied
    provider = reporting_provider_of(request.user)
    form = CloudBillImportForm(request.POST or None, request.FILES or None)
    problems: list[ImportProblem] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        name = Path(upload.name or "bill.xlsx").name
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / ("upload" + Path(name).suffix.lower())
            with path.open("wb") as handle:
                for chunk in upload.chunks():
                    handle.write(chunk)
            rows, problems, labels = read_cloud_bills(path, name, today=timezone.localdate())
        result = cloud_usage_import(
            acting_user=request.user,
            rows=rows,
            filename=name,
            labels=labels,
            problems=problems,
            correct=form.cleaned_data["correct"],
        )
        problems = result.problems
        if result.ok:
            messages.success(
                request,
                (
                    _("%(count)s monthly bills imported from %(file)s, %(corrected)s stored bills corrected.")
                    if form.cleaned_data["correct"]
                    else _("%(count)s monthly bills imported from %(file)s.")
                )
                % {"count": result.created, "file": name, "corrected": result.corrected},
            )
            return redirect("finance:import")
    reported = (
        cloud_usage_reported_by(provider.pk)
        if provider is not None
        else CloudUsageRecord.objects.select_related("enterprise").order_by("-created_at", "-month", "id")
    )
    context = {
        "form": form,
        "problems": problems,
        "provider": provider,
        "page": Paginator(reported, PAGE_SIZE).get_page(request.GET.get("page")),
        "columns": COLUMNS,
        "limit": f"{MAX_MONTHLY_CLOUD_BILL_CNY:,.0f}",
    }
    return render(request, "finance/import.html", context, status=400 if problems else 200)


@require_GET
@login_required
def template_view(request: HttpRequest) -> HttpResponse:
    """The cloud-bill import template (XLSX) with example rows and the service categories."""
    response = HttpResponse(cloud_bill_template(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="cloud-bill-template.xlsx"'
    return response
