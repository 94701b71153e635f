"""Demo logins, one per role plus a second enterprise and region for trying isolation (DEBUG only)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from funeng.apps.accounts.const import ClaimProof
from funeng.apps.accounts.services import ClaimRequest, claim_code_issue, enterprise_register
from funeng.apps.audit.services import audit_record
from funeng.apps.consents.const import DataCategory
from funeng.apps.consents.models import Consent, FinancialInstitution
from funeng.apps.consents.services import consent_grant, consent_revoke
from funeng.apps.core.const import Role
from funeng.apps.core.models import Membership
from funeng.apps.demo.assessments import DEMO_PDF
from funeng.apps.enterprises.models import Enterprise
from funeng.apps.providers.const import VettingState
from funeng.apps.providers.models import Provider

# Documented in the README; demo_region creates these users only when DEBUG is on.
DEMO_PASSWORD = "funeng-demo-2026"
DEMO_CLAIMANT = "demo_claimant"


@dataclass(frozen=True)
class DemoLogin:
    username: str
    description: str


def _two_enterprises() -> tuple[Enterprise, Enterprise]:
    """A Hangzhou manufacturer (inside demo_official's 330100) and one outside Hangzhou."""
    inside = Enterprise.objects.filter(region_code__startswith="3301").order_by("industry_code", "id")
    # GB/T 4754 section C (manufacturing) is divisions 13-43.
    manufacturers = inside.filter(industry_code__gte="1300", industry_code__lt="4400")
    first = manufacturers.first() or inside.first() or Enterprise.objects.order_by("id").first()
    if first is None:
        raise LookupError("the registry is empty; load the demo region first")
    second = Enterprise.objects.exclude(region_code__startswith=first.region_code[:4]).order_by("id").first()
    if second is None:
        raise LookupError("the demo region needs enterprises in two prefectures")
    return first, second


@transaction.atomic
def demo_users_create() -> list[DemoLogin]:
    """Create (or keep) the demo users and their tenants; return who logs in as what."""
    users = get_user_model()
    hangzhou, other = _two_enterprises()
    provider, _ = Provider.objects.get_or_create(
        credit_code="91330106MA2H7K1N3G",
        defaults={
            "name": "杭州数智云科技有限公司（演示）",
            "region_code": "330106",
            "vetting_state": VettingState.APPROVED,
        },
    )
    # An application waiting in demo_official's queue (330100), so vetting can be tried at once.
    applicant, applicant_is_new = Provider.objects.get_or_create(
        credit_code="91330106MA2H8P2Q0K",
        defaults={
            "name": "杭州智联工业互联网服务有限公司（演示，待审核）",
            "region_code": "330106",
            "vetting_state": VettingState.APPLIED,
        },
    )
    if applicant_is_new:
        audit_record(actor=None, action="create", obj=applicant, changes={"vetting_state": [None, "applied"]})
    bank, _ = FinancialInstitution.objects.get_or_create(name="演示银行杭州分行")
    plan: list[tuple[str, dict[str, Any], str]] = [
        ("demo_admin", {"role": Role.ADMIN}, "platform administrator"),
        (
            "demo_enterprise",
            {"role": Role.ENTERPRISE, "enterprise": hangzhou, "is_enterprise_admin": True},
            f"enterprise admin of {hangzhou.name} ({hangzhou.region_code})",
        ),
        (
            "demo_enterprise_b",
            {"role": Role.ENTERPRISE, "enterprise": other, "is_enterprise_admin": True},
            f"enterprise admin of {other.name} ({other.region_code})",
        ),
        ("demo_provider", {"role": Role.PROVIDER, "provider": provider}, f"provider user of {provider.name}"),
        ("demo_bank", {"role": Role.BANK, "institution": bank}, f"bank user of {bank.name}"),
        ("demo_official", {"role": Role.OFFICIAL, "region_code": "330100"}, "official of 330100 杭州市"),
        ("demo_official_b", {"role": Role.OFFICIAL, "region_code": "320100"}, "official of 320100 南京市"),
        ("demo_official_zj", {"role": Role.OFFICIAL, "region_code": "330000"}, "official of 330000 浙江省"),
        (
            "demo_worker",
            {"role": Role.ENTERPRISE, "enterprise": hangzhou},
            f"worker (colleague) of {hangzhou.name}: confirms shared-workforce agreements",
        ),
    ]
    logins = []
    for username, membership, description in plan:
        user = users.objects.filter(username=username).first()
        if user is None:
            is_admin = membership["role"] == Role.ADMIN
            user = users.objects.create_user(
                username, password=DEMO_PASSWORD, is_staff=is_admin, is_superuser=is_admin
            )
            created = Membership.objects.create(user=user, **membership)
            audit_record(actor=None, action="create", obj=created, changes={"role": [None, created.role]})
        logins.append(DemoLogin(username, description))
    _demo_consents_create(hangzhou, other, bank)
    logins.append(_demo_claims_create(hangzhou))
    return logins


def _demo_claims_create(taken: Enterprise) -> DemoLogin:
    """A claim with documents waiting in demo_official's queue, and a claim code issued for another enterprise.

    The code is random and not kept anywhere (only its hash is stored, as for real codes): the
    demo shows an issued code, and whoever wants to try one issues their own as demo_official.
    """
    users = get_user_model().objects
    description = "account whose claim (documents) waits for demo_official's review"
    if users.filter(username=DEMO_CLAIMANT).exists():
        return DemoLogin(DEMO_CLAIMANT, description)
    unclaimed = (
        Enterprise.objects.filter(region_code__startswith="3301", members__isnull=True)
        .exclude(pk=taken.pk)
        .order_by("id")
    )
    claimed, coded = unclaimed[:2]
    enterprise_register(
        claim=ClaimRequest(
            credit_code=claimed.credit_code,
            name=claimed.name,
            region_code=claimed.region_code,
            industry_code=claimed.industry_code,
            legal_representative="张明（演示）",
            proof=ClaimProof.DOCUMENTS,
            licence=SimpleUploadedFile("营业执照（演示）.pdf", DEMO_PDF, content_type="application/pdf"),
            authorisation=SimpleUploadedFile(
                "授权委托书（演示）.pdf", DEMO_PDF, content_type="application/pdf"
            ),
        ),
        email="claimant@demo.invalid",
        username=DEMO_CLAIMANT,
        password=DEMO_PASSWORD,
    )
    claim_code_issue(enterprise=coded, acting_user=users.get(username="demo_official"))
    return DemoLogin(DEMO_CLAIMANT, f"{description}: {claimed.name}")


def _demo_consents_create(hangzhou: Enterprise, other: Enterprise, bank: FinancialInstitution) -> None:
    """demo_enterprise shares profile and financials with demo_bank; demo_enterprise_b's consent is revoked."""
    if Consent.objects.filter(institution=bank).exists():
        return
    users = get_user_model().objects
    today = timezone.localdate()
    consent_grant(
        actor=users.get(username="demo_enterprise"),
        enterprise=hangzhou,
        institution=bank,
        categories=[DataCategory.PROFILE, DataCategory.FINANCIALS],
        valid_until=today + dt.timedelta(days=182),
        today=today,
    )
    enterprise_b_admin = users.get(username="demo_enterprise_b")
    earlier = consent_grant(
        actor=enterprise_b_admin,
        enterprise=other,
        institution=bank,
        categories=[DataCategory.PROFILE],
        valid_until=today + dt.timedelta(days=90),
        today=today,
    )
    consent_revoke(actor=enterprise_b_admin, consent=earlier)
