"""Shared-manufacturing enums and limits."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DowntimeKind(models.TextChoices):
    MAINTENANCE = "maintenance", _("Planned maintenance")
    BREAKDOWN = "breakdown", _("Breakdown")


class OrderStatus(models.TextChoices):
    OPEN = "open", _("Open")  # entered, not yet planned
    PLANNING = "planning", _("Planning")
    PLANNED = "planned", _("Planned")  # a plan waits for the factories' acceptance
    CONFIRMED = "confirmed", _("Confirmed")  # every factory accepted its operations
    UNSCHEDULABLE = "unschedulable", _("Unschedulable")
    CANCELLED = "cancelled", _("Cancelled")


class PlanStatus(models.TextChoices):
    SOLVING = "solving", _("Solving")
    PROPOSED = "proposed", _("In force")  # the current plan of its order, sent to the factories
    SUPERSEDED = "superseded", _("Superseded")
    INFEASIBLE = "infeasible", _("Infeasible")
    FAILED = "failed", _("Failed")


class PlanCause(models.TextChoices):
    INITIAL = "initial", _("First plan")
    DECLINE = "decline", _("A factory declined")
    DISRUPTION = "disruption", _("Machine down")
    MANUAL = "manual", _("Planned again")


class ShareState(models.TextChoices):
    """Where a factory stands on its share of a plan."""

    PENDING = "pending", _("Waiting for the factory")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


# A plan looks this far past the latest due date for working time (calendars expand over it).
HORIZON_DAYS_AFTER_DUE = 60
MAX_OPERATIONS_PER_ORDER = 60
MAX_QUANTITY = 10_000_000
MAX_MINUTES_PER_UNIT = 24 * 60
SOLVE_SECONDS = 20

# Transport between two factories by how far apart their regions are (GB/T 2260 code tiers):
# (minutes, CNY per trip). We have no road distances; these are the platform's provisional
# defaults for a truck trip in one province, shown as provisional wherever a plan explains them.
TRANSPORT_TIERS: dict[str, tuple[int, int]] = {
    "same_site": (0, 0),
    "same_county": (60, 150),
    "same_prefecture": (120, 300),
    "same_province": (240, 800),
    "other": (1440, 3000),
}

# The plan's objective, in the engine's integer weights: a minute of makespan is 1, a minute an
# order is late 10, a yuan of transport 1, and moving an operation already published 5,000 (about
# three and a half days of makespan, more than a lot's transport legs within a province save), so a
# replan moves only what it must.
OBJECTIVE_WEIGHTS = {"makespan": 1, "tardiness": 10, "transport": 1, "stability": 5000}
# A lot-split operation runs in at most this many lots.
MAX_LOTS = 8
