"""Cross-field consistency of an enterprise profile: values that are each valid but cannot all be true.

One validator for every door (the profile form, the API, the import): each passes the profile as
a plain mapping of field name to value (None = unknown) and the date of today, and shows the
inconsistencies it gets back in its own way. An unknown value never conflicts with anything.

The bounds, and why:

- The founding date is not after today, and not before 1949-10-01: the 成立日期 on a business
  licence is the registration date of the legal entity now registered, and every such registration
  is under the company-registration system of the People's Republic (a 老字号 founded in 1669
  shows the date its present company was registered). Earlier dates are typos (1900-01-01 is what
  Excel shows for a date cell holding 1).
- R&D staff are part of the employees (从业人员 counts every person the enterprise employs).
- Main-business revenue is part of operating revenue (营业收入 = 主营业务收入 + 其他业务收入).
- Years in the niche market are at most the enterprise's age in years (rounded up).

Not checked yet: the two-year R&D total (近2年研发投入经费合计) against last year's R&D expense
(上年度研发费用). It should hold, but existing sample profiles break it, so it waits for the
operator to confirm both are reported on the same basis.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from engines.tabular.problems import gettext_noop

EARLIEST_FOUNDING = dt.date(1949, 10, 1)


@dataclass(frozen=True, slots=True)
class Inconsistency:
    """One field whose value contradicts another field or the calendar: stable code, msgid, parameters.

    The message is an English msgid with %(name)s placeholders; the platform translates it.
    """

    field: str  # the field to correct (the one named first in the message)
    code: str  # stable key, such as "rd_staff.above_employees"
    message: str
    params: Mapping[str, str] = dataclasses.field(default_factory=dict)
    others: tuple[str, ...] = ()  # the fields it is compared with


def _amount(value: Decimal) -> str:
    return f"{value:,.2f}"


def profile_inconsistencies(values: Mapping[str, object], *, today: dt.date | None) -> list[Inconsistency]:
    """Every cross-field inconsistency of one profile, in a fixed order; empty when it is consistent.

    Without `today` the checks against the calendar are left out (the engine never reads the clock).
    """
    found: list[Inconsistency] = []
    founded = values.get("founded_on")
    if isinstance(founded, dt.date) and today is not None:
        if founded > today:
            found.append(
                Inconsistency(
                    "founded_on",
                    "founded_on.future",
                    gettext_noop(
                        "The founding date %(date)s is after today (%(today)s): enter the date on the business "
                        "licence"
                    ),
                    {"date": founded.isoformat(), "today": today.isoformat()},
                )
            )
        elif founded < EARLIEST_FOUNDING:
            found.append(
                Inconsistency(
                    "founded_on",
                    "founded_on.too_early",
                    gettext_noop(
                        "The founding date %(date)s is before %(earliest)s, earlier than any registration on a "
                        "business licence: enter the date on the business licence"
                    ),
                    {"date": founded.isoformat(), "earliest": EARLIEST_FOUNDING.isoformat()},
                )
            )
    rd_staff, employees = values.get("rd_staff"), values.get("employees")
    if isinstance(rd_staff, int) and isinstance(employees, int) and rd_staff > employees:
        found.append(
            Inconsistency(
                "rd_staff",
                "rd_staff.above_employees",
                gettext_noop(
                    "R&D staff (%(rd_staff)s) cannot be more than the employees (%(employees)s): R&D staff "
                    "are counted among the employees"
                ),
                {"rd_staff": str(rd_staff), "employees": str(employees)},
                ("employees",),
            )
        )
    main, revenue = values.get("main_business_revenue_cny"), values.get("revenue_cny")
    if isinstance(main, Decimal | int) and isinstance(revenue, Decimal | int) and main > revenue:
        found.append(
            Inconsistency(
                "main_business_revenue_cny",
                "main_business_revenue_cny.above_revenue",
                gettext_noop(
                    "Main business revenue (%(main)s yuan) cannot be more than operating revenue (%(revenue)s "
                    "yuan): it is part of it"
                ),
                {"main": _amount(Decimal(main)), "revenue": _amount(Decimal(revenue))},
                ("revenue_cny",),
            )
        )
    product = values.get("main_product_revenue_cny")
    if isinstance(product, Decimal | int) and isinstance(revenue, Decimal | int) and product > revenue:
        found.append(
            Inconsistency(
                "main_product_revenue_cny",
                "main_product_revenue_cny.above_revenue",
                gettext_noop(
                    "Sales of the main products (%(main)s yuan) cannot be more than operating revenue "
                    "(%(revenue)s yuan): they are part of it"
                ),
                {"main": _amount(Decimal(product)), "revenue": _amount(Decimal(revenue))},
                ("revenue_cny",),
            )
        )
    since = values.get("niche_market_since")
    if isinstance(since, dt.date) and isinstance(founded, dt.date) and since < founded:
        found.append(
            Inconsistency(
                "niche_market_since",
                "niche_market_since.before_founding",
                gettext_noop(
                    "The enterprise cannot have entered its niche market (%(since)s) before it was founded "
                    "(%(date)s)"
                ),
                {"since": since.isoformat(), "date": founded.isoformat()},
                ("founded_on",),
            )
        )
    if isinstance(since, dt.date) and today is not None and since > today:
        found.append(
            Inconsistency(
                "niche_market_since",
                "niche_market_since.in_future",
                gettext_noop("The date of entering the niche market (%(since)s) is in the future"),
                {"since": since.isoformat()},
                (),
            )
        )
    return found
