"""Who may see and act on factories, machines, orders and plans; every view goes through these.

Not visible → Http404 (existence is not revealed); visible but not allowed → PermissionDenied.
- The capacity registry (factories, machines, processes, prices, offered share) is published to
  every signed-in user: factories offer it so that orders find them. Only the factory's own
  enterprise changes it and reports downtime.
- An order is seen whole by its customer's members, operators and officials of the customer's
  region (read only). A factory with a share in one of its plans sees the order's product,
  quantity, dates and quality requirements and only its own operations (`plan_rows_for`).
- Customers' members and operators create orders and start plans; a factory's members accept or
  decline its share.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from engines.reference.regions import region_prefix
from funeng.apps.core.const import Role
from funeng.apps.core.identity import User, is_platform_admin, membership_of, official_scope_of
from funeng.apps.shared_manufacturing.models import (
    Factory,
    FactoryShare,
    Machine,
    Order,
    Plan,
    PlannedOperation,
)


def member_enterprise_id(user: User) -> int | None:
    """The enterprise the user acts for, None for every other role."""
    membership = membership_of(user)
    if membership is None or membership.role != Role.ENTERPRISE:
        return None
    return membership.enterprise_id


def factories_visible_to(user: User) -> QuerySet[Factory]:
    """The published registry for signed-in users; an enterprise also sees its own inactive sites."""
    if not user.is_authenticated:
        return Factory.objects.none()
    if is_platform_admin(user):
        return Factory.objects.all()
    enterprise_id = member_enterprise_id(user)
    own = Q(enterprise_id=enterprise_id) if enterprise_id is not None else Q(pk__in=[])
    return Factory.objects.filter(Q(is_active=True) | own)


def can_manage_factory(user: User, factory: Factory) -> bool:
    """The factory's own enterprise members and operators change it, its machines and its downtime."""
    return is_platform_admin(user) or member_enterprise_id(user) == factory.enterprise_id


def access_factory_for_user(user: User, pk: int, *, write: bool = False) -> Factory:
    """A factory the user may see (404 otherwise); write=True: one they may manage (403)."""
    factory = factories_visible_to(user).select_related("enterprise").filter(pk=pk).first()
    if factory is None:
        raise Http404("no such factory")
    if write and not can_manage_factory(user, factory):
        raise PermissionDenied
    return factory


def access_machine_for_user(user: User, pk: int, *, write: bool = False) -> Machine:
    """A machine of a visible factory (404 otherwise); write=True: of a factory the user manages (403)."""
    machine = (
        Machine.objects.select_related("factory", "factory__enterprise")
        .filter(pk=pk, factory__in=factories_visible_to(user))
        .first()
    )
    if machine is None:
        raise Http404("no such machine")
    if write and not can_manage_factory(user, machine.factory):
        raise PermissionDenied
    return machine


def orders_visible_to(user: User) -> QuerySet[Order]:
    """Orders the user may open: own (customer), region (officials), with a factory share, or all (operators)."""
    if not user.is_authenticated:
        return Order.objects.none()
    if is_platform_admin(user):
        return Order.objects.all()
    visible = Q(pk__in=[])
    enterprise_id = member_enterprise_id(user)
    if enterprise_id is not None:
        visible |= Q(customer_id=enterprise_id)
        visible |= Q(
            pk__in=FactoryShare.objects.filter(factory__enterprise_id=enterprise_id).values("plan__order_id")
        )
    scope = official_scope_of(user)
    if scope:
        visible |= Q(region_code__startswith=region_prefix(scope))
    return Order.objects.filter(visible)


def sees_whole_order(user: User, order: Order) -> bool:
    """Customers, operators and the region's officials see every operation; factories only theirs."""
    if is_platform_admin(user) or member_enterprise_id(user) == order.customer_id:
        return True
    scope = official_scope_of(user)
    return bool(scope) and order.region_code.startswith(region_prefix(scope or ""))


def can_manage_order(user: User, order: Order) -> bool:
    """The customer's members and operators plan, replan and cancel an order."""
    return is_platform_admin(user) or member_enterprise_id(user) == order.customer_id


def can_create_order(user: User) -> bool:
    """Enterprise members (for their own enterprise) and operators (for any customer) enter orders."""
    return is_platform_admin(user) or member_enterprise_id(user) is not None


def access_order_for_user(user: User, pk: int, *, write: bool = False) -> Order:
    """An order the user may see (404 otherwise); write=True: one they may plan (403)."""
    order = orders_visible_to(user).select_related("customer").filter(pk=pk).first()
    if order is None:
        raise Http404("no such order")
    if write and not can_manage_order(user, order):
        raise PermissionDenied
    return order


def access_plan_for_user(user: User, pk: int) -> Plan:
    """A plan of an order the user may see (404 otherwise)."""
    plan = Plan.objects.select_related("order", "order__customer").filter(pk=pk).first()
    if plan is None or not orders_visible_to(user).filter(pk=plan.order_id).exists():
        raise Http404("no such plan")
    return plan


def plan_rows_for(user: User, plan: Plan) -> QuerySet[PlannedOperation]:
    """The plan's operations the user may see: all of them, or a factory's own."""
    rows = plan.assignments.select_related("operation", "machine", "factory", "previous_machine")
    if sees_whole_order(user, plan.order):
        return rows
    enterprise_id = member_enterprise_id(user)
    return rows.filter(factory__enterprise_id=enterprise_id) if enterprise_id is not None else rows.none()


def shares_visible_to(user: User, plan: Plan) -> QuerySet[FactoryShare]:
    """The plan's factory shares the user may see: all of them, or their own factories'."""
    shares = plan.shares.select_related("factory", "factory__enterprise")
    if sees_whole_order(user, plan.order):
        return shares
    enterprise_id = member_enterprise_id(user)
    return shares.filter(factory__enterprise_id=enterprise_id) if enterprise_id is not None else shares.none()


def access_share_for_user(user: User, pk: int) -> FactoryShare:
    """A factory share the user decides on: their own factory's (404 for anyone else's)."""
    share = FactoryShare.objects.select_related("plan", "plan__order", "factory").filter(pk=pk).first()
    if share is None or not (
        is_platform_admin(user) or member_enterprise_id(user) == share.factory.enterprise_id
    ):
        raise Http404("no such factory share")
    return share
