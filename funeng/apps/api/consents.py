"""/api/v1/consents: an enterprise grants and revokes a bank's access; both sides list consents and reads."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import translation
from ninja import Path, Query, Router, Status

from funeng.apps.api.errors import FORBIDDEN, INVALID_REQUEST, FieldError, Problem, Text
from funeng.apps.api.pagination import page_of
from funeng.apps.api.schemas import (
    ConsentFilters,
    ConsentIn,
    ConsentOut,
    ConsentPage,
    ConsentReadPage,
    EnterpriseId,
    PageParams,
    problems,
)
from funeng.apps.consents.access import access_consent_for_user, can_manage_consents, consents_visible_to
from funeng.apps.consents.const import DataCategory
from funeng.apps.consents.models import Consent, ConsentRead, FinancialInstitution
from funeng.apps.consents.selectors import consent_reads_of, consent_status, consents_with_status
from funeng.apps.consents.services import ConsentAlreadyRevoked, consent_grant, consent_revoke
from funeng.apps.enterprises.access import access_enterprise_for_user

router = Router(tags=["consents"])
ConsentId = EnterpriseId  # the same BigAutoField bounds

ALREADY_REVOKED = Text(
    "此授权已撤销，未做任何更改。如需再次共享，请新建授权。",
    "This consent was already revoked; nothing changed. To share again, grant a new consent.",
)


def _known(categories: list[str]) -> list[str]:
    return [value for value in DataCategory.values if value in categories]


def consent_out(consent: Consent) -> dict[str, Any]:
    """The API view of one consent (enterprise and institution loaded)."""
    return {
        "id": consent.pk,
        "enterprise_id": consent.enterprise_id,
        "enterprise_name": consent.enterprise.name,
        "institution_id": consent.institution_id,
        "institution_name": consent.institution.name,
        "categories": _known(consent.categories),
        "valid_until": consent.valid_until,
        "status": consent_status(consent).value,
        "granted_at": consent.granted_at,
        "revoked_at": consent.revoked_at,
    }


def consent_read_out(read: ConsentRead) -> dict[str, Any]:
    return {
        "id": read.pk,
        "consent_id": read.consent_id,
        "read_at": read.read_at,
        "reader": read.reader.get_username(),
        "institution_name": read.consent.institution.name,
        "categories": _known(read.categories),
        "channel": read.channel,
    }


@router.get("", response=ConsentPage, summary="List consents", openapi_extra=problems(401, 422))
def consents_list(
    request: HttpRequest, filters: Query[ConsentFilters], page: Query[PageParams]
) -> dict[str, Any]:
    """Your enterprise's consents, or those granted to your institution; newest first."""
    queryset = consents_with_status(consents_visible_to(request.user), filters.status or "")
    return page_of(queryset, page, consent_out)


@router.post(
    "",
    response={201: ConsentOut},
    summary="Grant a consent",
    openapi_extra=problems(401, 403, 404, 422),
)
def consents_grant(request: HttpRequest, payload: ConsentIn) -> Status[dict[str, Any]]:
    """Only the enterprise's administrator grants; the bank reads the categories until valid_until."""
    enterprise = access_enterprise_for_user(request.user, payload.enterprise_id)
    if not can_manage_consents(request.user, enterprise.pk):
        raise Problem(403, FORBIDDEN)
    institution = FinancialInstitution.objects.filter(pk=payload.institution_id).first()
    if institution is None:
        raise Problem(
            422,
            INVALID_REQUEST,
            errors=[
                FieldError(
                    "institution_id",
                    "没有此金融机构：请从机构列表中选择编号",
                    "No financial institution has this id: choose one from the list of institutions",
                )
            ],
        )
    # Services raise msgids; errors.py renders them in both languages.
    with translation.override("en"):
        consent = consent_grant(
            actor=request.user,
            enterprise=enterprise,
            institution=institution,
            categories=payload.categories,
            valid_until=payload.valid_until,
        )
    return Status(201, consent_out(consent))


@router.get(
    "/{consent_id}", response=ConsentOut, summary="Get a consent", openapi_extra=problems(401, 404, 422)
)
def consent_detail(request: HttpRequest, consent_id: Path[ConsentId]) -> dict[str, Any]:
    """One consent you may see; 404 when it is not your enterprise's or your institution's."""
    consent = access_consent_for_user(request.user, consent_id)
    return consent_out(consent)


@router.post(
    "/{consent_id}/revoke",
    response=ConsentOut,
    summary="Revoke a consent",
    openapi_extra=problems(401, 403, 404, 409, 422),
)
def consent_revoke_endpoint(request: HttpRequest, consent_id: Path[ConsentId]) -> dict[str, Any]:
    """End the consent now (enterprise administrator only); revoking twice is a 409."""
    consent = access_consent_for_user(request.user, consent_id, write=True)
    try:
        consent = consent_revoke(actor=request.user, consent=consent)
    except ConsentAlreadyRevoked as error:
        raise Problem(409, ALREADY_REVOKED) from error
    return consent_out(consent)


@router.get(
    "/{consent_id}/reads",
    response=ConsentReadPage,
    summary="List reads made under a consent",
    openapi_extra=problems(401, 404, 422),
)
def consent_reads(
    request: HttpRequest, consent_id: Path[ConsentId], page: Query[PageParams]
) -> dict[str, Any]:
    """Who at the institution read which categories, when and through which channel; newest first."""
    consent = access_consent_for_user(request.user, consent_id)
    queryset = consent_reads_of(Consent.objects.filter(pk=consent.pk))
    return page_of(queryset, page, consent_read_out)
