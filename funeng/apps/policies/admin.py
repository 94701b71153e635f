"""Operators see the records of this app in Django admin, read-only: the app's pages change them, audited."""

from __future__ import annotations

from django.contrib import admin

from funeng.apps.core.admin import ReadOnlyAdmin
from funeng.apps.policies.models import PolicyNotice, PolicyResult, PolicyRun, ReviewDecision

admin.site.register([PolicyRun, PolicyResult, ReviewDecision, PolicyNotice], ReadOnlyAdmin)
