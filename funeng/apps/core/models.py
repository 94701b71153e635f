"""Who a user acts for: the one role a user holds and the tenant (enterprise, provider, bank, region) it binds.

Every access function of every app starts here, so it sits at the bottom of the app layers; the
tenants it points to are named by string, without importing the apps above.
"""

from __future__ import annotations

import operator
from functools import reduce

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from funeng.apps.core.const import Role
from funeng.apps.core.validators import validate_region_code

# Each role is bound to exactly its own kind of tenant; officials to a region instead.
TENANT_OF_ROLE = {
    Role.ENTERPRISE: "enterprise",
    Role.PROVIDER: "provider",
    Role.BANK: "institution",
    Role.OFFICIAL: "region_code",
    Role.ADMIN: None,
}


def _bound_only_to(role: str, tenant: str | None) -> models.Q:
    condition = models.Q(role=role)
    for field in ("enterprise", "provider", "institution"):
        condition &= models.Q(**{f"{field}__isnull": field != tenant})
    region_set = ~models.Q(region_code="")
    return condition & (region_set if tenant == "region_code" else ~region_set)


class Membership(models.Model):
    """The one role a user holds and the tenant it is bound to."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("enterprise"),
    )
    is_enterprise_admin = models.BooleanField(_("enterprise administrator"), default=False)
    provider = models.ForeignKey(
        "providers.Provider",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("service provider"),
    )
    institution = models.ForeignKey(
        "consents.FinancialInstitution",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("financial institution"),
    )
    region_code = models.CharField(
        _("region code"),
        max_length=6,
        blank=True,
        validators=[validate_region_code],
        help_text=_("For officials: the province or prefecture they serve"),
    )

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.CheckConstraint(
                name="membership_tenant_matches_role",
                condition=reduce(
                    operator.or_, (_bound_only_to(role, field) for role, field in TENANT_OF_ROLE.items())
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"


class SubmittedForm(models.Model):
    """A one-time form token, consumed by the first post of the form that carried it.

    A double click, a second tab or the back button followed by a resend brings the same token
    again: the request is answered with where the first one led instead of doing the work twice.
    """

    token = models.CharField(_("token"), max_length=64, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    path = models.CharField(_("path"), max_length=300)
    result_url = models.CharField(_("result"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("submitted form")
        verbose_name_plural = _("submitted forms")

    def __str__(self) -> str:
        return f"{self.path} ({self.created_at:%Y-%m-%d %H:%M})"


class ThrottleHit(models.Model):
    """One attempt at a throttled action (sign-up, password reset) from one client address.

    Kept in the database so every web worker counts the same attempts. The address is stored as
    a keyed hash: the count needs equality only, and the table need not hold visitors' addresses.
    """

    scope = models.CharField(_("scope"), max_length=32)
    address_hash = models.CharField(_("address hash"), max_length=64)
    at = models.DateTimeField(_("time"), db_index=True)

    class Meta:
        verbose_name = _("throttled attempt")
        verbose_name_plural = _("throttled attempts")
        indexes = [models.Index(fields=["scope", "address_hash", "at"], name="throttle_lookup")]

    def __str__(self) -> str:
        return f"{self.scope} {self.address_hash[:8]} ({self.at:%Y-%m-%d %H:%M})"
