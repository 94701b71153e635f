"""/api/v1/enterprises: list, detail, update and import, through the same access functions as the pages."""

from __future__ import annotations

import dataclasses
import tempfile
from enum import Enum
from pathlib import Path as FilePath
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import File, Form, Path, Query, Router
from ninja.files import UploadedFile

from funeng.apps.api.auth import api_auth
from funeng.apps.api.errors import INVALID_REQUEST, FieldError, Problem, Text
from funeng.apps.api.pagination import paginated
from funeng.apps.api.schemas import (
    Code18,
    EnterpriseFilters,
    EnterpriseId,
    EnterpriseOut,
    EnterprisePatch,
    ImportReportOut,
    problems,
    shown_with,
)
from funeng.apps.consents.categories import (
    ALL_CATEGORIES,
)
from funeng.apps.consents.const import ReadChannel
from funeng.apps.consents.selectors import active_consents_read_by
from funeng.apps.consents.services import consent_reads_log, consented_read_log
from funeng.apps.enterprises import access
from funeng.apps.enterprises.importing import enterprises_import
from funeng.apps.enterprises.models import Enterprise
from funeng.apps.enterprises.selectors import EnterpriseFilter, enterprise_list
from funeng.apps.enterprises.services import enterprise_update
from funeng.apps.enterprises.views_io import MAX_UPLOAD_BYTES

router = Router(tags=["enterprises"])


def _read_one(request: HttpRequest, enterprise: Enterprise) -> Enterprise:
    """One enterprise as this user may see it; a bank's read is logged against the consents used."""
    readable = access.enterprise_categories_readable_by(request.user, enterprise)
    consented_read_log(
        reader=request.user, enterprise_id=enterprise.pk, categories=readable, channel=ReadChannel.API
    )
    return shown_with(enterprise, readable)


def _read_page(request: HttpRequest, enterprises: list[Enterprise]) -> None:
    """Mark what the user may see of each enterprise on the page, and log a bank's reads of them."""
    readable = access.enterprises_categories_readable_by(request.user, enterprises)
    for enterprise in enterprises:
        shown_with(enterprise, readable.get(enterprise.pk, frozenset()))
    consents = list(active_consents_read_by(request.user, [e.pk for e in enterprises]))
    if consents:
        # One read per consent, with every category it shares: the page carried them all.
        consent_reads_log(
            reader=request.user, consents=consents, categories=ALL_CATEGORIES, channel=ReadChannel.API
        )


@router.get(
    "",
    response=list[EnterpriseOut],
    summary="List enterprises",
    openapi_extra=problems(401, 422),
)
@paginated(on_page=_read_page)
def enterprises_list(request: HttpRequest, filters: Query[EnterpriseFilters]) -> QuerySet[Enterprise]:
    """The enterprises you may see, filtered like the list page, ordered by name."""
    criteria = EnterpriseFilter(
        region=filters.region,
        industry=filters.industry,
        size_class=filters.size_class.value if filters.size_class else "",
        q=filters.q.strip(),
        de_core=filters.de_core,
    )
    # Filtering by region, industry or size would reveal them to a bank that was not shown them.
    narrows_by_profile = any((criteria.region, criteria.industry, criteria.size_class, criteria.de_core))
    visible = (
        access.enterprises_profile_visible_to if narrows_by_profile else access.enterprises_visible_to
    )(request.user)
    return enterprise_list(visible, criteria)


# Registered before /{enterprise_id} so "import" is never read as an id.
@router.post(
    "/import",
    response=ImportReportOut,
    summary="Import enterprises from CSV or XLSX",
    # Authentication refuses anyone but an importer, before the upload is read.
    auth=api_auth(access.can_import_enterprises),
    openapi_extra=problems(400, 401, 403, 413, 422),
)
def enterprises_import_file(
    request: HttpRequest, file: File[UploadedFile], dry_run: Form[bool] = False
) -> dict[str, Any]:
    """All rows or none, as on the import page; 422 with the report when any row is wrong (administrators only)."""
    filename = FilePath(file.name or "").name
    suffix = FilePath(filename).suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise Problem(
            422,
            INVALID_REQUEST,
            errors=[FieldError("file", "只能导入 .csv 或 .xlsx 文件", "Choose a .csv or .xlsx file.")],
        )
    if file.size is not None and file.size > MAX_UPLOAD_BYTES:
        raise Problem(
            413,
            Text(
                "文件超过 100 MB：请拆分成几个文件分别导入。",
                "The file is larger than 100 MB; split it into several files.",
            ),
        )
    # The importer reads the file twice (validate, then write), so it needs a real file on disk.
    with tempfile.NamedTemporaryFile(suffix=suffix, delete=False) as handle:
        for chunk in file.chunks():
            handle.write(chunk)
        temp_path = FilePath(handle.name)
    try:
        report = enterprises_import(
            path=temp_path, filename=filename, acting_user=request.user, dry_run=dry_run
        )
    finally:
        temp_path.unlink(missing_ok=True)
    body = {**dataclasses.asdict(report), "ok": report.ok, "summary": report.summary()}
    if not report.ok:
        raise Problem(
            422,
            Text(
                "文件有错误，未导入任何数据：请按 report.errors 逐条更正后重新导入。",
                "The file has errors and nothing was imported: correct each entry of report.errors "
                "and import it again.",
            ),
            extra={"report": body},
        )
    return body


@router.get(
    "/by-credit-code/{code}",
    response=EnterpriseOut,
    summary="Get an enterprise by unified social credit code",
    openapi_extra=problems(401, 404, 422),
)
def enterprise_by_credit_code(request: HttpRequest, code: Path[Code18]) -> Enterprise:
    """One enterprise you may see, by its 统一社会信用代码; 404 when unknown or not yours to see."""
    return _read_one(request, access.access_enterprise_by_credit_code(request.user, code))


@router.get(
    "/{enterprise_id}",
    response=EnterpriseOut,
    summary="Get an enterprise",
    openapi_extra=problems(401, 404, 422),
)
def enterprise_detail(request: HttpRequest, enterprise_id: Path[EnterpriseId]) -> Enterprise:
    """One enterprise you may see; 404 when it does not exist or is not yours to see."""
    return _read_one(request, access.access_enterprise_for_user(request.user, enterprise_id))


@router.patch(
    "/{enterprise_id}",
    response=EnterpriseOut,
    summary="Change editable fields of an enterprise",
    openapi_extra=problems(401, 403, 404, 409, 422),
)
def enterprise_patch(
    request: HttpRequest, enterprise_id: Path[EnterpriseId], payload: EnterprisePatch
) -> Enterprise:
    """Send only the fields to change; derived fields are recomputed and the change is audited."""
    enterprise = access.access_enterprise_for_user(request.user, enterprise_id, write=True)
    fields = {
        name: value.value if isinstance(value, Enum) else value
        for name, value in payload.model_dump(exclude_unset=True).items()
    }
    writable = access.enterprise_fields_writable_by(request.user, enterprise)
    refused = sorted(set(fields) - set(writable))
    if refused:
        raise Problem(
            403,
            Text(f"您无权修改这些字段：{'、'.join(refused)}", f"You may not change: {', '.join(refused)}"),
            errors=[
                FieldError(name, "您无权修改此字段", "You may not change this field") for name in refused
            ],
        )
    return enterprise_update(enterprise=enterprise, acting_user=request.user, **fields)
