"""Supply-chain finance enums and limits."""

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _


class ListingKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("Key enterprise")
    PROJECT = "project", _("Key project")


class ListingStatus(models.TextChoices):
    LISTED = "listed", _("Listed")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    FINANCED = "financed", _("Financed")


class ReceivableStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted, waiting for the anchor enterprise")
    CONFIRMED = "confirmed", _("Confirmed by the anchor enterprise")
    DISPUTED = "disputed", _("Disputed by the anchor enterprise")
    OFFERED = "offered", _("Offered to a bank")
    FINANCED = "financed", _("Financed by the bank")
    DECLINED = "declined", _("Declined by the bank")
    SETTLED = "settled", _("Settled")


class Party(models.TextChoices):
    """Which side of a receivable someone acted for (the timeline names the party, not the person's role)."""

    SUPPLIER = "supplier", _("Supplier")
    ANCHOR = "anchor", _("Anchor enterprise")
    BANK = "bank", _("Bank")
    OPERATOR = "operator", _("Platform operator")


# A receivable in one of these states has been offered: the bank it names sees it from then on.
OFFERED_STATUSES = (
    ReceivableStatus.OFFERED,
    ReceivableStatus.FINANCED,
    ReceivableStatus.DECLINED,
    ReceivableStatus.SETTLED,
)
# The supplier offers a confirmed receivable, or offers again to another bank after a decline.
OFFERABLE_STATUSES = (ReceivableStatus.CONFIRMED, ReceivableStatus.DECLINED)

# Larger figures are typing mistakes (an extra zero or two), not receivables of an SME.
MAX_AMOUNT = Decimal("10000000000")  # 100亿元
MAX_TERM_DAYS = 3 * 366
MAX_RATE = Decimal("36")  # % a year; a higher figure is a typing mistake, not a supply-chain loan
MAX_INVOICE = 50
MAX_TITLE = 200
MAX_TEXT = 2000
MAX_LISTING_DAYS = 366

# The seed sentences the pages quote (../shared/seeds): 000, the national 上云用数赋智 plan, 二(三)3.
SEED_QUOTES = (
    ("000", "探索完善产融信息对接工作机制，丰富重点企业和项目的融资信息对接目录"),
    ("000", "鼓励产业链龙头企业联合金融机构建设产融合作平台，创新面向上下游企业的信用贷款"),
)
