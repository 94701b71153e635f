"""Operators see the records of this app in Django admin, read-only: the app's pages change them, audited."""

from __future__ import annotations

from django.contrib import admin

from funeng.apps.assessment.models import Answer, Assessment, AssessmentResult, Evidence
from funeng.apps.core.admin import ReadOnlyAdmin

admin.site.register([Assessment, Answer, Evidence, AssessmentResult], ReadOnlyAdmin)
