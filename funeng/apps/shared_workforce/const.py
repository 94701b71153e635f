"""Shared-workforce enums and limits; the default agreement wording is provisional."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PostStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class AgreementStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed, waiting for the worker")
    WORKER_CONFIRMED = "worker_confirmed", _("Confirmed by the worker, waiting for the lender")
    ACTIVE = "active", _("Active")
    ENDED = "ended", _("Ended")
    DECLINED = "declined", _("Declined by the worker")
    CANCELLED = "cancelled", _("Cancelled")


# An agreement in one of these holds the worker for its period: a second one overlapping it is
# refused by the service and, underneath, by the database (migration 0002).
HOLDING_STATUSES = (AgreementStatus.PROPOSED, AgreementStatus.WORKER_CONFIRMED, AgreementStatus.ACTIVE)
HOURS_STATUSES = (AgreementStatus.ACTIVE, AgreementStatus.ENDED)

MAX_HEADCOUNT = 500
MAX_PERIOD_DAYS = 366
MAX_HOURS_PER_DAY = 24
MAX_RATE = 10_000  # yuan per hour; a larger figure is a typing mistake
MAX_TITLE = 200
MAX_NOTE = 2000
MAX_TERMS = 2000
MATCH_LIMIT = 30

# Seed quotes the pages cite (../shared/seeds): 000 (the national 上云用数赋智 opinion) and 004 (MIIT's
# SME digital-empowerment action plan).
SEED_QUOTES = (
    ("000", "鼓励发展共享员工等灵活就业新模式，充分发挥数字经济蓄水池作用。"),
    ("004", "为中小企业提供原材料匹配、返工人员共享、自动化生产线配置、模具资源互助……等服务。"),
)

# Provisional example wording (not from the seeds): the parties are expected to change it.
DEFAULT_PAYMENT_TERMS = _(
    "The borrower pays the lender the hourly rate for the hours recorded, monthly; the lender keeps paying "
    "the worker's wages as usual."
)
DEFAULT_INSURANCE_TERMS = _(
    "The lender keeps paying the worker's social insurance; the borrower insures the worker against work "
    "accidents for the period of the agreement."
)
