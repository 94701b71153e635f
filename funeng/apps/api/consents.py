"""/api/v1/consents: an enterprise grants and revokes a bank's access; both sides list consents and reads."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Path, Query, Router, Status

from funeng.apps.api.errors import FORBIDDEN, INVALID_REQUEST, FieldError, Problem, Text
from funeng.apps.api.pagination import paginated
from funeng.apps.api.schemas import (
    ConsentFilters,
    ConsentIn,
    ConsentOut,
    ConsentReadOut,
    EnterpriseId,
    problems,
)
from funeng.apps.consents.access import access_consent_for_user, can_manage_consents, consents_visible_to
from funeng.apps.consents.models import Consent, ConsentRead, FinancialInstitution
from funeng.apps.consents.selectors import consent_reads_of, consents_with_status
from funeng.apps.consents.services import ConsentAlreadyRevoked, consent_grant, consent_revoke
from funeng.apps.enterprises.access import access_enterprise_for_user

router = Router(tags=["consents"])
ConsentId = EnterpriseId  # the same BigAutoField bounds

ALREADY_REVOKED = Text(
    "此授权已撤销，未做任何更改。如需再次共享，请新建授权。",
    "This consent was already revoked; nothing changed. To share again, grant a new consent.",
)


@router.get("", response=list[ConsentOut], summary="List consents", openapi_extra=problems(401, 422))
@paginated()
def consents_list(request: HttpRequest, filters: Query[ConsentFilters]) -> QuerySet[Consent]:
    """Your enterprise's consents, or those granted to your institution; newest first."""
    return consents_with_status(consents_visible_to(request.user), filters.status or "")


@router.post(
    "",
    response={201: ConsentOut},
    summary="Grant a consent",
    openapi_extra=problems(401, 403, 404, 422),
)
def consents_grant(request: HttpRequest, payload: ConsentIn) -> Status[Consent]:
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
    consent = consent_grant(
        actor=request.user,
        enterprise=enterprise,
        institution=institution,
        categories=payload.categories,
        valid_until=payload.valid_until,
    )
    return Status(201, consent)


@router.get(
    "/{consent_id}", response=ConsentOut, summary="Get a consent", openapi_extra=problems(401, 404, 422)
)
def consent_detail(request: HttpRequest, consent_id: Path[ConsentId]) -> Consent:
    """One consent you may see; 404 when it is not your enterprise's or your institution's."""
    return access_consent_for_user(request.user, consent_id)


@router.post(
    "/{consent_id}/revoke",
    response=ConsentOut,
    summary="Revoke a consent",
    openapi_extra=problems(401, 403, 404, 409, 422),
)
def consent_revoke_endpoint(request: HttpRequest, consent_id: Path[ConsentId]) -> Consent:
    """End the consent now (enterprise administrator only); revoking twice is a 409."""
    consent = access_consent_for_user(request.user, consent_id, write=True)
    try:
        return consent_revoke(actor=request.user, consent=consent)
    except ConsentAlreadyRevoked as error:
        raise Problem(409, ALREADY_REVOKED) from error


@router.get(
    "/{consent_id}/reads",
    response=list[ConsentReadOut],
    summary="List reads made under a consent",
    openapi_extra=problems(401, 404, 422),
)
@paginated()
def consent_reads(request: HttpRequest, consent_id: Path[ConsentId]) -> QuerySet[ConsentRead]:
    """Who at the institution read which categories, when and through which channel; newest first."""
    consent = access_consent_for_user(request.user, consent_id)
    return consent_reads_of(Consent.objects.filter(pk=consent.pk))
