"""Lending pages: the enterprise applies with one consent, the bank decides with reason codes, officials see loans and subsidies."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model
from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from engines.reference.industry import industry_name_en, industry_table
from funeng.apps.audit.models import AuditAction
from funeng.apps.audit.services import audit_record
from funeng.apps.consents.models import FinancialInstitution
from funeng.apps.consents.selectors import category_labels
from funeng.apps.core.identity import is_platform_admin
from funeng.apps.core.pages import form_errors_from, submit_once
from funeng.apps.enterprises.models import Enterprise
from funeng.apps.finance.selectors import footprint_of
from funeng.apps.lending.access import (
    access_application_for_user,
    access_loan_for_user,
    access_product_for_user,
    applications_visible_to,
    bank_institution_id,
    can_apply,
    can_approve_subsidy,
    can_decide,
    can_manage_products,
    can_withdraw,
    loans_visible_to,
    member_enterprise_id,
    products_visible_to,
    region_scope,
)
from funeng.apps.lending.assessment import FACTS, eligibility, fact_label
from funeng.apps.lending.const import OPEN_STATUSES, ApplicationStatus, Decision, RepaymentStatus
from funeng.apps.lending.forms import ApplyForm, DecideForm, ProductForm, RepaymentForm, ScorecardUploadForm
from funeng.apps.lending.models import Loan, Scorecard
from funeng.apps.lending.selectors import (
    MIN_PSI_APPLICANTS,
    product_rows,
    scorecard_monitoring,
    subsidy_by_bank_month,
    subsidy_lines,
)
from funeng.apps.lending.services import (
    application_decide,
    application_reassess,
    application_submit,
    application_withdraw,
    bank_read_application,
    product_save,
    repayment_record,
    scorecard_store,
    subsidy_approve,
)

MONITORING_MONTHS = 12


def _english() -> bool:
    return (translation.get_language() or "zh-hans").startswith("en")


def _fact_rows(assessment: dict[str, Any]) -> list[tuple[str, Any]]:
    language = "en" if _english() else "zh"
    facts = assessment.get("facts", {})
    return [(fact_label(name, language), facts.get(name)) for name in FACTS if name in facts]


def _section_names(letters: str, english: bool) -> str:
    """A bin of industry sections ("C, G") as the sections' names in the page's language."""
    names = []
    for letter in (part.strip() for part in letters.split(",")):
        node = industry_table().by_code.get(letter)
        if node is None or node.level != "section":
            names.append(letter)
        else:
            names.append((industry_name_en(letter) or letter) if english else node.name)
    return "; ".join(names) if english else "、".join(names)


def _reason_rows(assessment: dict[str, Any]) -> list[dict[str, Any]]:
    english = _english()
    language = "en" if english else "zh"
    rows = []
    for reason in assessment.get("scorecard", {}).get("reasons", []):
        row = reason | {"label": fact_label(reason["variable"], language)}
        if (
            reason["variable"] == "industry_section"
            and not reason.get("unseen")
            and reason["bin"] != "missing"
        ):
            row["bin"] = _section_names(reason["bin"], english)
        rows.append(row)
    return rows


@login_required
def lending_home_view(request: HttpRequest) -> HttpResponse:
    """Each role's start: the enterprise's loans page, the bank's queue, the official's region."""
    if bank_institution_id(request.user) is not None:
        return redirect("lending:queue")
    enterprise_id = member_enterprise_id(request.user)
    if enterprise_id is None:
        if region_scope(request.user) is not None:
            return redirect("lending:region")
        raise PermissionDenied
    enterprise = Enterprise.objects.get(pk=enterprise_id)
    today = timezone.localdate()
    footprint = footprint_of(enterprise, as_of=today)
    context = {
        "enterprise": enterprise,
        "value": footprint.value,
        "english": _english(),
        "rows": product_rows(enterprise, products_visible_to(request.user), today),
        "applications": applications_visible_to(request.user).select_related(
            "product", "product__institution"
        )[:50],
        "loans": loans_visible_to(request.user).select_related("institution", "product")[:50],
        "can_apply": can_apply(request.user),
    }
    return render(request, "lending/home.html", context)


@login_required
@require_http_methods(["GET", "POST"])
@submit_once
def apply_view(request: HttpRequest, product_id: int) -> HttpResponse:
    """Apply for a product: one click grants the bank the product's data categories for a year."""
    product = access_product_for_user(request.user, product_id)
    enterprise_id = member_enterprise_id(request.user)
    if enterprise_id is None or not can_apply(request.user):
        raise PermissionDenied
    enterprise = Enterprise.objects.get(pk=enterprise_id)
    form = ApplyForm(request.POST if request.method == "POST" else None, product=product)
    if request.method == "POST" and form.is_valid():
        try:
            application = application_submit(
                actor=request.user,
                product=product,
                amount=form.cleaned_data["amount"],
                term_months=form.cleaned_data["term_months"],
                purpose=form.cleaned_data["purpose"],
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(
                request,
                _("Application sent to %(bank)s; it may now read the data the product needs.")
                % {"bank": product.institution.name},
            )
            return redirect("lending:application", application.pk)
    context = {
        "product": product,
        "form": form,
        "enterprise": enterprise,
        "categories": category_labels(product.required_categories),
        "eligibility": eligibility(product, enterprise, timezone.localdate()),
    }
    return render(request, "lending/apply.html", context)


@login_required
def application_view(request: HttpRequest, application_id: int) -> HttpResponse:
    """One application: the enterprise sees status and reasons; the bank also the data it may read, and decides."""
    application = access_application_for_user(request.user, application_id)
    is_bank = can_decide(request.user, application)
    readable = bank_read_application(actor=request.user, application=application) if is_bank else True
    assessment = application.assessment if readable else {}
    context = {
        "application": application,
        "is_bank": is_bank,
        "readable": readable,
        "english": _english(),
        "scorecard": assessment.get("scorecard"),
        "collateral": assessment.get("collateral"),
        "facts": _fact_rows(assessment) if is_bank else [],
        "reasons": _reason_rows(application.assessment),
        "categories": category_labels(application.assessment.get("categories", [])),
        "open": application.status in OPEN_STATUSES,
        "can_withdraw": application.status in OPEN_STATUSES and can_withdraw(request.user, application),
        "form": DecideForm(
            initial={"amount": application.amount_cny, "rate": application.product.annual_rate}
        ),
        "loan": getattr(application, "loan", None)
        if application.status == ApplicationStatus.APPROVED
        else None,
    }
    return render(request, "lending/application.html", context)


@login_required
@require_POST
@submit_once
def decide_view(request: HttpRequest, application_id: int) -> HttpResponse:
    """The bank's decision: approve (amount, rate), reject with reasons, or ask for more information."""
    application = access_application_for_user(request.user, application_id)
    if not can_decide(request.user, application):
        raise PermissionDenied
    form = DecideForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("lending:application", application.pk)
    try:
        application_decide(
            actor=request.user,
            application=application,
            decision=form.cleaned_data["decision"],
            note=form.cleaned_data["note"],
            amount=form.cleaned_data.get("amount"),
            rate=form.cleaned_data.get("rate"),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        labels = dict(Decision.choices)
        messages.success(
            request,
            _("Decision recorded: %(decision)s.") % {"decision": labels[form.cleaned_data["decision"]]},
        )
    return redirect("lending:application", application.pk)


@login_required
@require_POST
def reassess_view(request: HttpRequest, application_id: int) -> HttpResponse:
    """Score an open application again on today's data."""
    application = access_application_for_user(request.user, application_id)
    try:
        application_reassess(actor=request.user, application=application)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Scored again on today's data."))
    return redirect("lending:application", application.pk)


@login_required
@require_POST
def withdraw_view(request: HttpRequest, application_id: int) -> HttpResponse:
    """The enterprise withdraws an open application."""
    application = access_application_for_user(request.user, application_id)
    try:
        application_withdraw(actor=request.user, application=application)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Application withdrawn."))
    return redirect("lending:application", application.pk)


# --- bank ----------------------------------------------------------------------------------------


@login_required
def queue_view(request: HttpRequest) -> HttpResponse:
    """The bank's incoming applications, its products and its scorecards."""
    if bank_institution_id(request.user) is None and not is_platform_admin(request.user):
        raise PermissionDenied
    status = request.GET.get("status", "open")
    applications = applications_visible_to(request.user).select_related("product", "enterprise")
    if status == "open":
        applications = applications.filter(status__in=OPEN_STATUSES)
    elif status in ApplicationStatus.values:
        applications = applications.filter(status=status)
    context = {
        "applications": applications[:200],
        "status": status,
        "status_choices": [("open", _("Awaiting decision")), *ApplicationStatus.choices],
        "products": products_visible_to(request.user).select_related("scorecard"),
        "scorecards": Scorecard.objects.filter(institution_id=bank_institution_id(request.user)),
        "can_manage": can_manage_products(request.user),
    }
    return render(request, "lending/queue.html", context)


@login_required
@require_http_methods(["GET", "POST"])
@submit_once
def product_edit_view(request: HttpRequest, product_id: int | None = None) -> HttpResponse:
    """Publish a loan product or change one (the offering bank only)."""
    institution_id = bank_institution_id(request.user)
    if institution_id is None:
        raise PermissionDenied
    institution = FinancialInstitution.objects.get(pk=institution_id)
    product = (
        access_product_for_user(request.user, product_id, write=True) if product_id is not None else None
    )
    form = ProductForm(
        request.POST if request.method == "POST" else None, institution=institution, instance=product
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = product_save(
                actor=request.user, institution=institution, data=form.cleaned_data, product=product
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("Product %(name)s saved.") % {"name": saved.name})
            return redirect("lending:queue")
    return render(request, "lending/product_form.html", {"form": form, "product": product})


@login_required
@require_http_methods(["GET", "POST"])
@submit_once
def scorecard_upload_view(request: HttpRequest) -> HttpResponse:
    """A bank stores a scorecard its analysts fitted with `funeng credit_fit`; the file is checked field by field."""
    institution_id = bank_institution_id(request.user)
    if institution_id is None:
        raise PermissionDenied
    form = ScorecardUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            scorecard = scorecard_store(
                actor=request.user,
                institution=FinancialInstitution.objects.get(pk=institution_id),
                name=form.cleaned_data["name"],
                model=form.cleaned_data["model_file"],
            )
        except ValidationError as error:
            form_errors_from(form, error, {"model": "model_file"})
        else:
            messages.success(
                request, _("Scorecard %(name)s stored; choose it on a product.") % {"name": scorecard.name}
            )
            return redirect("lending:queue")
    return render(request, "lending/scorecard_form.html", {"form": form})


@login_required
def loans_view(request: HttpRequest) -> HttpResponse:
    """Loans the user may see: the bank's portfolio, the enterprise's loans, the region's for officials."""
    roles = (
        member_enterprise_id(request.user),
        bank_institution_id(request.user),
        region_scope(request.user),
    )
    if all(role is None for role in roles):
        raise PermissionDenied
    loans = loans_visible_to(request.user).select_related("enterprise", "institution", "product")
    return render(
        request,
        "lending/loans.html",
        {"loans": loans[:500], "is_bank": bank_institution_id(request.user) is not None},
    )


@login_required
@require_http_methods(["GET", "POST"])
@submit_once
def loan_view(request: HttpRequest, loan_id: int) -> HttpResponse:
    """One loan: its repayments and the interest subsidy due on them; the lending bank records a month."""
    loan = access_loan_for_user(request.user, loan_id)
    is_lender = bank_institution_id(request.user) == loan.institution_id
    form = RepaymentForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not is_lender:
            raise PermissionDenied
        if form.is_valid():
            try:
                repayment_record(
                    actor=request.user,
                    loan=loan,
                    month=form.cleaned_data["month"],
                    interest=form.cleaned_data["interest"],
                    principal=form.cleaned_data["principal"],
                    status=form.cleaned_data["status"],
                )
            except ValidationError as error:
                form_errors_from(form, error)
            else:
                messages.success(request, _("Repayment recorded."))
                return redirect("lending:loan", loan.pk)
    lines = [line for _loan, line in subsidy_lines(Loan.objects.filter(pk=loan.pk), timezone.localdate())]
    context = {
        "loan": loan,
        "repayments": loan.repayments.all(),
        "subsidy": lines,
        "subsidy_total": sum((line.subsidy_cny for line in lines), Decimal(0)),
        "english": _english(),
        "is_lender": is_lender,
        "form": form,
        "statuses": RepaymentStatus.choices,
    }
    return render(request, "lending/loan.html", context)


@login_required
def monitoring_view(request: HttpRequest) -> HttpResponse:
    """Each of the bank's scorecards: recent applicants against the training population (PSI), outcomes by band."""
    institution_id = bank_institution_id(request.user)
    if institution_id is None:
        raise PermissionDenied
    since = timezone.localdate() - dt.timedelta(days=30 * MONITORING_MONTHS)
    reports = []
    for scorecard in Scorecard.objects.filter(institution_id=institution_id):
        report = scorecard_monitoring(scorecard, since)
        chart = None
        if report.stability is not None:
            chart = {
                "type": "line",
                "labels": list(report.stability.labels),
                "series": [
                    {
                        "name": str(_("Training population")),
                        "values": [round(v * 100, 1) for v in report.stability.baseline],
                    },
                    {
                        "name": str(_("Recent applicants")),
                        "values": [round(v * 100, 1) for v in report.stability.recent],
                    },
                ],
                "unit": "%",
            }
        reports.append({"report": report, "chart": chart, "chart_id": f"psi-{scorecard.pk}"})
    context = {"reports": reports, "months": MONITORING_MONTHS, "minimum": MIN_PSI_APPLICANTS}
    return render(request, "lending/monitoring.html", context)


# --- officials -----------------------------------------------------------------------------------


@login_required
def region_view(request: HttpRequest) -> HttpResponse:
    """Loans and the interest subsidy due in the official's region, by bank and month, with approvals."""
    scope = region_scope(request.user)
    if scope is None:
        raise PermissionDenied
    months = subsidy_by_bank_month(scope, timezone.localdate())
    context = {
        "months": months,
        "loans": loans_visible_to(request.user).select_related("enterprise", "institution", "product")[:200],
        "total_due": sum((m.amount for m in months), Decimal(0)),
        "total_approved": sum((m.amount for m in months if m.approval is not None), Decimal(0)),
        "can_approve": can_approve_subsidy(request.user),
    }
    return render(request, "lending/region.html", context)


@login_required
@require_POST
@submit_once
def subsidy_approve_view(request: HttpRequest) -> HttpResponse:
    """Approve one bank's subsidy for one month, at the amount the page showed."""
    scope = region_scope(request.user)
    if scope is None:
        raise PermissionDenied
    try:
        institution_id = int(request.POST.get("institution", ""))
        month = dt.date.fromisoformat(request.POST.get("month", ""))
    except ValueError:
        messages.error(request, _("Choose a bank and a month from the table."))
        return redirect("lending:region")
    row = next(
        (
            m
            for m in subsidy_by_bank_month(scope, timezone.localdate())
            if m.institution_id == institution_id and m.month == month
        ),
        None,
    )
    if row is None:
        messages.error(request, _("Nothing is due through this bank in that month."))
        return redirect("lending:region")
    try:
        subsidy_approve(
            actor=request.user,
            institution=FinancialInstitution.objects.get(pk=institution_id),
            month=month,
            amount=row.amount,
            loans=len(row.loans),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Subsidy approved."))
    return redirect("lending:region")


@login_required
def subsidy_export_view(request: HttpRequest) -> HttpResponseBase:
    """The region's subsidy lines as CSV (UTF-8 with BOM) for payment: one row per loan and month."""
    scope = region_scope(request.user)
    if scope is None:
        raise PermissionDenied
    lines = subsidy_lines(
        loans_visible_to(request.user).exclude(product__subsidy_programme=""), timezone.localdate()
    )
    assert isinstance(request.user, Model)  # login_required
    audit_record(
        actor=request.user,
        action=AuditAction.EXPORT,
        obj=request.user,
        changes={"export": [None, "interest subsidy"], "rows": [None, len(lines)]},
    )
    header = [
        _("Month"), _("Financial institution"), _("Enterprise"), _("Unified social credit code"),
        _("Loan"), _("Interest paid (CNY)"), _("Subsidy (CNY)"), _("Year to date (CNY)"),
    ]  # fmt: skip

    def rows() -> Any:
        yield "\ufeff"
        writer_buffer: list[str] = []

        class Echo:
            def write(self, value: str) -> None:
                writer_buffer.append(value)

        writer = csv.writer(Echo())
        writer.writerow(header)
        for loan, line in lines:
            writer.writerow(
                [
                    f"{line.line.month:%Y-%m}",
                    loan.institution.name,
                    loan.enterprise.name,
                    loan.enterprise.credit_code,
                    loan.product.name,
                    line.line.interest_paid_cny,
                    line.subsidy_cny,
                    line.cumulative_cny,
                ]  # fmt: skip
            )
            yield "".join(writer_buffer)
            writer_buffer.clear()
        yield "".join(writer_buffer)

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="interest-subsidy-{timezone.localdate():%Y%m%d}.csv"'
    )
    return response
