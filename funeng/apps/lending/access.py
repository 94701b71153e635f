"""Who may see and act on loan products, applications and loans; every view and API call goes through these.

Not visible → Http404 (existence is not revealed); visible but not allowed → PermissionDenied.
Every signed-in user may browse the open products. An enterprise sees its own applications and
loans, and only its administrator applies (applying grants a consent, which only the administrator
may). A bank sees the applications to its own products and its own loans, and reads an
application's data only while the consent behind it is in force. Officials see the loans of their
region and approve the interest subsidy; operators see everything.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from engines.reference.regions import region_prefix
from funeng.apps.consents.access import can_manage_consents
from funeng.apps.core.const import Role
from funeng.apps.core.identity import User, is_platform_admin, membership_of, official_scope_of
from funeng.apps.lending.models import Loan, LoanApplication, LoanProduct


def member_enterprise_id(user: User) -> int | None:
    """The enterprise the user acts for, None for every other role."""
    membership = membership_of(user)
    if membership is None or membership.role != Role.ENTERPRISE:
        return None
    return membership.enterprise_id


def bank_institution_id(user: User) -> int | None:
    """The financial institution a bank user works for, None for every other role."""
    membership = membership_of(user)
    if membership is None or membership.role != Role.BANK:
        return None
    return membership.institution_id


def region_scope(user: User) -> str | None:
    """The region prefix an official sees ('' = everywhere for operators), None for other roles."""
    scope = official_scope_of(user)
    if scope is None:
        return None
    return region_prefix(scope) if scope else ""


# --- products ------------------------------------------------------------------------------------


def products_visible_to(user: User) -> QuerySet[LoanProduct]:
    """Open products for every signed-in user; a bank also sees its own closed ones."""
    if not user.is_authenticated:
        return LoanProduct.objects.none()
    if is_platform_admin(user):
        return LoanProduct.objects.all()
    institution_id = bank_institution_id(user)
    if institution_id is not None:
        return LoanProduct.objects.filter(institution_id=institution_id)
    return LoanProduct.objects.filter(active=True)


def can_manage_products(user: User) -> bool:
    """Bank users publish and edit their institution's products."""
    return bank_institution_id(user) is not None


def access_product_for_user(user: User, pk: int, *, write: bool = False) -> LoanProduct:
    """The product if visible (404); write=True: only the offering bank's users (403)."""
    product = products_visible_to(user).filter(pk=pk).select_related("institution", "scorecard").first()
    if product is None:
        raise Http404("no such loan product")
    if write and bank_institution_id(user) != product.institution_id:
        raise PermissionDenied
    return product


def can_apply(user: User) -> bool:
    """Only an enterprise's administrator applies: the application grants the bank a consent."""
    enterprise_id = member_enterprise_id(user)
    return enterprise_id is not None and can_manage_consents(user, enterprise_id)


# --- applications --------------------------------------------------------------------------------


def applications_visible_to(user: User) -> QuerySet[LoanApplication]:
    """The enterprise's own applications, the bank's incoming ones, all for operators."""
    if is_platform_admin(user):
        return LoanApplication.objects.all()
    enterprise_id = member_enterprise_id(user)
    if enterprise_id is not None:
        return LoanApplication.objects.filter(enterprise_id=enterprise_id)
    institution_id = bank_institution_id(user)
    if institution_id is not None:
        return LoanApplication.objects.filter(product__institution_id=institution_id)
    return LoanApplication.objects.none()


def access_application_for_user(user: User, pk: int) -> LoanApplication:
    """The application if visible, else 404."""
    application = (
        applications_visible_to(user)
        .filter(pk=pk)
        .select_related("product", "product__institution", "enterprise", "consent")
        .first()
    )
    if application is None:
        raise Http404("no such loan application")
    return application


def can_decide(user: User, application: LoanApplication) -> bool:
    """The offering bank's users decide."""
    return bank_institution_id(user) == application.product.institution_id


def can_withdraw(user: User, application: LoanApplication) -> bool:
    """The applying enterprise's administrator withdraws an application the bank has not decided."""
    return can_manage_consents(user, application.enterprise_id)


# --- loans ---------------------------------------------------------------------------------------


def loans_visible_to(user: User) -> QuerySet[Loan]:
    """The borrower's loans, the lender's loans, the region's loans for officials, all for operators."""
    if is_platform_admin(user):
        return Loan.objects.all()
    enterprise_id = member_enterprise_id(user)
    if enterprise_id is not None:
        return Loan.objects.filter(enterprise_id=enterprise_id)
    institution_id = bank_institution_id(user)
    if institution_id is not None:
        return Loan.objects.filter(institution_id=institution_id)
    scope = region_scope(user)
    if scope is not None:
        return Loan.objects.filter(enterprise__region_code__startswith=scope)
    return Loan.objects.none()


def access_loan_for_user(user: User, pk: int, *, write: bool = False) -> Loan:
    """The loan if visible (404); write=True (record a repayment): only the lending bank (403)."""
    loan = loans_visible_to(user).filter(pk=pk).select_related("product", "institution", "enterprise").first()
    if loan is None:
        raise Http404("no such loan")
    if write and bank_institution_id(user) != loan.institution_id:
        raise PermissionDenied
    return loan


def can_approve_subsidy(user: User) -> bool:
    """Officials (and operators) approve the interest subsidy of their region."""
    return region_scope(user) is not None
