"""/api/v1/finance: providers report cloud bills; an enterprise reads its digital-footprint evidence."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Path, Router, Schema, Status

from funeng.apps.api.auth import api_auth
from funeng.apps.api.errors import FieldError, Problem, Text
from funeng.apps.api.schemas import NO_CONTROL, EnterpriseId, MoneyText, RequestBody, problems
from funeng.apps.finance.access import access_footprint_for_user, can_import_cloud_usage
from funeng.apps.finance.const import MAX_ROWS_PER_IMPORT
from funeng.apps.finance.interchange import ImportProblem, check_rows
from funeng.apps.finance.selectors import footprint_of
from funeng.apps.finance.services import cloud_usage_import

router = Router(tags=["finance"])
API_FILE = "api"

# Cells as a bill sends them: text, or a JSON number for amounts and quantities. The same checks as
# the file import apply (万, negative, absurd, other currencies), with the same reasons.
Cell = str | int | float


class CloudUsageRowIn(RequestBody):
    credit_code: str = Field(..., max_length=40, pattern=NO_CONTROL, description="统一社会信用代码")
    month: str = Field(..., max_length=20, pattern=NO_CONTROL, description="YYYY-MM")
    provider_name: str = Field(
        "", max_length=200, pattern=NO_CONTROL, description="A provider's token: blank or its own name"
    )
    service_category: str = Field(
        ...,
        max_length=40,
        pattern=NO_CONTROL,
        description="compute, storage, saas, industrial_internet, other",
    )
    amount_cny: Cell = Field(..., description='Yuan, e.g. "12800.00"')
    currency: str = Field("", max_length=20, pattern=NO_CONTROL, description="Blank or CNY")
    usage_quantity: Cell | None = None
    usage_unit: str = Field("", max_length=32, pattern=NO_CONTROL)


class CloudUsageBatchIn(RequestBody):
    rows: list[CloudUsageRowIn] = Field(..., min_length=1, max_length=MAX_ROWS_PER_IMPORT)
    correct: bool = Field(
        False, description="true: a month already stored is replaced by this row (audited); false: refused"
    )


class CloudUsageCreatedOut(Schema):
    created: int
    corrected: int


class CloudUsageOut(Schema):
    month: str
    provider_name: str
    service_category: str
    amount_cny: MoneyText
    usage_quantity: Decimal | None
    usage_unit: str
    provenance: str


class InvestmentOut(Schema):
    invested_on: dt.date
    supplier: str
    invoice_number: str
    category: str
    amount_cny: MoneyText
    provenance: str
    from_deal: bool


class CollateralOut(Schema):
    recognised_cny: MoneyText
    rd_input_cny: MoneyText
    capped: bool
    provisional: bool
    rules_version: str
    explanation_zh: str
    explanation_en: str


class FootprintOut(Schema):
    enterprise: str
    cloud_usage: list[CloudUsageOut]
    investments: list[InvestmentOut]
    collateral: CollateralOut


REFUSED = Text(
    "云服务账单有错误，未导入任何记录：请按 errors 逐条更正后重新发送。",
    "The bills have errors and nothing was imported: correct each entry of errors and send them again.",
)


def _field_errors(found: list[ImportProblem]) -> list[FieldError]:
    return [
        FieldError(
            f"rows[{p.row - 1}].{p.key}" if p.row is not None and p.key else "rows",
            problem_in(p, "zh-hans"),
            problem_in(p, "en"),
        )
        for p in found
    ]


def problem_in(problem: ImportProblem, language: str) -> str:
    """The reason in one language; a row's problem names its row (1 = the first of the batch)."""
    return problem.message_in(language)


@router.post(
    "/cloud-usage",
    response={201: CloudUsageCreatedOut},
    summary="Report cloud bills",
    auth=api_auth(can_import_cloud_usage),
    openapi_extra=problems(401, 403, 422),
)
def cloud_usage_report(request: HttpRequest, payload: CloudUsageBatchIn) -> Status[dict[str, int]]:
    """All rows or none, with the checks of the file import; 422 lists every bad cell as rows[i].field."""
    batch = [row.model_dump() for row in payload.rows]
    labels = {key: key for key in CloudUsageRowIn.model_fields}
    rows, found = check_rows(batch, file=API_FILE, labels=labels, today=timezone.localdate(), first_row=1)
    result = cloud_usage_import(
        acting_user=request.user,
        rows=rows,
        filename=API_FILE,
        labels=labels,
        problems=found,
        correct=payload.correct,
    )
    if result.ok:
        return Status(201, {"created": result.created, "corrected": result.corrected})
    found = result.problems
    raise Problem(422, REFUSED, errors=_field_errors(found))


@router.get(
    "/enterprises/{enterprise_id}/footprint",
    response=FootprintOut,
    summary="Get an enterprise's digital footprint",
    openapi_extra=problems(401, 404, 422),
)
def footprint_detail(request: HttpRequest, enterprise_id: Path[EnterpriseId]) -> dict[str, Any]:
    """Cloud bills, digital investments and the recognised value; 404 unless you may see the enterprise."""
    enterprise = access_footprint_for_user(request.user, enterprise_id)
    footprint = footprint_of(enterprise, as_of=timezone.localdate())
    value = footprint.value
    return {
        "enterprise": enterprise.name,
        "cloud_usage": [
            {
                "month": f"{bill.month:%Y-%m}",
                "provider_name": bill.provider_name,
                "service_category": bill.service_category,
                "amount_cny": bill.amount_cny,
                "usage_quantity": bill.usage_quantity,
                "usage_unit": bill.usage_unit,
                "provenance": bill.provenance,
            }
            for bill, _line in footprint.bills
        ],
        "investments": [
            {
                "invested_on": investment.invested_on,
                "supplier": investment.supplier,
                "invoice_number": investment.invoice_number,
                "category": investment.category,
                "amount_cny": investment.amount_cny,
                "provenance": investment.provenance,
                "from_deal": investment.deal_id is not None,
            }
            for investment, _line in footprint.investments
        ],
        "collateral": {
            "recognised_cny": value.recognised_cny,
            "rd_input_cny": value.rd_input_cny,
            "capped": value.capped,
            "provisional": value.provisional,
            "rules_version": value.rules_version,
            "explanation_zh": value.explanation,
            "explanation_en": value.explanation_en,
        },
    }
