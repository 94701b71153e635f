"""Working time as minutes from a plan's origin: the periods a factory's machines cannot work.

A factory works one shift a day on its working weekdays, except on its closure days; a machine
adds its downtime and the time other orders' plans already hold. The engine takes the result as
half-open `[start, end)` minute periods and never places an operation across one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils import timezone

from funeng.apps.shared_manufacturing.models import Factory

Period = tuple[int, int]


def minutes_from(origin: dt.datetime, moment: dt.datetime) -> int:
    """Whole minutes from the origin to a moment (rounded down; negative before the origin)."""
    return int((moment - origin).total_seconds() // 60)


def at_minute(origin: dt.datetime, minute: int) -> dt.datetime:
    """The moment `minute` minutes after the origin."""
    return origin + dt.timedelta(minutes=minute)


def merged(periods: Iterable[Period], *, start: int = 0, end: int | None = None) -> tuple[Period, ...]:
    """Periods clipped to `[start, end)`, sorted, with overlapping and touching ones joined."""
    clipped = []
    for a, b in periods:
        a, b = max(a, start), b if end is None else min(b, end)
        if b > a:
            clipped.append((a, b))
    clipped.sort()
    joined: list[Period] = []
    for a, b in clipped:
        if joined and a <= joined[-1][1]:
            joined[-1] = (joined[-1][0], max(joined[-1][1], b))
        else:
            joined.append((a, b))
    return tuple(joined)


def factory_closed_periods(
    factory: Factory, closures: Iterable[tuple[dt.date, dt.date]], origin: dt.datetime, horizon: int
) -> tuple[Period, ...]:
    """The minutes in `[0, horizon)` the factory does not work: nights, rest days, closure days."""
    local_origin = timezone.localtime(origin)
    zone = local_origin.tzinfo
    closed_days = list(closures)
    weekdays = set(factory.working_weekdays or [])
    periods: list[Period] = []
    day = local_origin.date()
    last_day = timezone.localtime(at_minute(origin, horizon)).date()
    while day <= last_day:
        midnight = dt.datetime.combine(day, dt.time(0, 0), tzinfo=zone)
        next_midnight = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0, 0), tzinfo=zone)
        day_start, day_end = minutes_from(origin, midnight), minutes_from(origin, next_midnight)
        closed = day.weekday() not in weekdays or any(first <= day <= last for first, last in closed_days)
        if closed:
            periods.append((day_start, day_end))
        else:
            shift_start = minutes_from(origin, dt.datetime.combine(day, factory.shift_start, tzinfo=zone))
            shift_end = minutes_from(origin, dt.datetime.combine(day, factory.shift_end, tzinfo=zone))
            periods += [(day_start, shift_start), (shift_end, day_end)]
        day += dt.timedelta(days=1)
    return merged(periods, start=0, end=horizon)
