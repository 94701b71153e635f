"""Home page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from funeng.apps.enterprises.access import enterprises_visible_to


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Overview of the registry the user can see."""
    visible = enterprises_visible_to(request.user)
    by_size = dict(visible.values_list("size_class").annotate(n=Count("id")).order_by())
    context = {
        "total": sum(by_size.values()),
        "by_size": by_size,
        "core_count": visible.filter(de_core=True).count(),
    }
    return render(request, "core/home.html", context)
