"""Operators see the records of this app in Django admin, read-only: the app's pages change them, audited."""

from __future__ import annotations

from django.contrib import admin

from funeng.apps.core.admin import ReadOnlyAdmin
from funeng.apps.matching.models import Complaint, Deal, Match, MatchEvent, Need, Proposal, Review, Solution

admin.site.register([Solution, Need, Match, MatchEvent, Proposal, Deal, Review, Complaint], ReadOnlyAdmin)
