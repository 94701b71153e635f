"""What a message is about, and the limits of its fields."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

MAX_TITLE = 200
MAX_BODY = 2000
MAX_LINK = 300
MAX_KEY = 120


class Topic(models.TextChoices):
    """The capability a message comes from (the inbox filters by it)."""

    LENDING = "lending", _("Loans")
    SUPPLY_CHAIN = "supply_chain", _("Supply-chain finance")
    POLICY = "policy", _("Policies")
