"""Role-aware main navigation: which portal sections a user sees in the top bar."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from funeng.apps.audit.access import can_browse_audit
from funeng.apps.core.const import Role
from funeng.apps.core.identity import User, is_platform_admin, membership_of, role_of
from funeng.apps.finance.access import can_import_cloud_usage


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url: str

    def is_current(self, path: str) -> bool:
        """The page is this section or below it (the overview only matches itself)."""
        return path == self.url or (self.url != "/" and path.startswith(self.url))


def _item(label: str | Promise, url_name: str, *args: object) -> NavItem:
    return NavItem(label, reverse(url_name, args=args))


def nav_items(user: User) -> list[NavItem]:
    """The sections this user's role works in; links a role cannot use are not shown."""
    role = role_of(user)
    items = [_item(_("Overview"), "home")]
    if role == Role.ADMIN:
        items += [
            _item(_("Enterprises"), "enterprises:list"),
            _item(_("Providers"), "providers:list"),
            _item(_("Claim review"), "accounts:claims"),
            _item(_("Consents"), "consents:list"),
            _item(_("Digital maturity"), "assessment:region"),
            _item(_("Proactive benefits"), "policies:proactive"),
            _item(_("Matchmaking"), "matching:gaps"),
            _item(_("Policy library"), "library:home"),
            _item(_("Regional monitoring"), "monitoring:home"),
            _item(_("Designations"), "designations:list"),
            _item(_("Shared manufacturing"), "shared_manufacturing:home"),
            _item(_("Shared workforce"), "shared_workforce:home"),
            _item(_("Loans"), "lending:region"),
            _item(_("Supply-chain finance"), "supply_chain:home"),
            _item(_("Cloud bills"), "finance:import"),
            _item(_("Audit log"), "audit:list"),
        ]
        if is_platform_admin(user) and getattr(user, "is_staff", False):
            items.append(_item(_("Administration"), "admin:index"))
        return items
    membership = membership_of(user)
    if membership is None:
        return items
    if role == Role.ENTERPRISE and membership.enterprise_id is not None:
        items.append(_item(_("My enterprise"), "enterprises:detail", membership.enterprise_id))
        items.append(_item(_("Assessment"), "assessment:home"))
        items.append(_item(_("My policies"), "policies:enterprise", membership.enterprise_id))
        items.append(_item(_("Matchmaking"), "matching:needs"))
        items.append(_item(_("Designations"), "designations:list"))
        items.append(_item(_("Shared manufacturing"), "shared_manufacturing:home"))
        items.append(_item(_("Shared workforce"), "shared_workforce:home"))
        items.append(_item(_("Loans"), "lending:home"))
        items.append(_item(_("Supply-chain finance"), "supply_chain:home"))
        items.append(_item(_("Digital footprint"), "finance:footprint", membership.enterprise_id))
        items.append(_item(_("Consents"), "consents:list"))
        if membership.is_enterprise_admin:
            items.append(_item(_("Colleagues"), "accounts:colleagues"))

    elif role == Role.PROVIDER and membership.provider_id is not None:
        items.append(_item(_("Provider profile"), "providers:detail", membership.provider_id))
        items.append(_item(_("Matchmaking"), "matching:inbox"))
        items.append(_item(_("Policy programmes"), "policies:programmes"))
        if can_import_cloud_usage(user):
            items.append(_item(_("Cloud bills"), "finance:import"))
    elif role == Role.BANK:
        items.append(_item(_("Loan applications"), "lending:queue"))
        items.append(_item(_("Consented enterprises"), "consents:list"))
        items.append(_item(_("Enterprises"), "enterprises:list"))
        items.append(_item(_("Supply-chain finance"), "supply_chain:home"))
    elif role == Role.OFFICIAL:
        items += [
            _item(_("Enterprises"), "enterprises:list"),
            _item(_("Provider vetting"), "providers:list"),
            _item(_("Claim review"), "accounts:claims"),
            _item(_("Digital maturity"), "assessment:region"),
            _item(_("Proactive benefits"), "policies:proactive"),
            _item(_("Matchmaking"), "matching:gaps"),
            _item(_("Regional monitoring"), "monitoring:home"),
            _item(_("Designations"), "designations:list"),
            _item(_("Shared manufacturing"), "shared_manufacturing:home"),
            _item(_("Shared workforce"), "shared_workforce:home"),
            _item(_("Loans"), "lending:region"),
            _item(_("Supply-chain finance"), "supply_chain:home"),
        ]
    items.append(_item(_("Policy library"), "library:home"))
    if can_browse_audit(user):
        items.append(_item(_("Audit log"), "audit:list"))
    return items
