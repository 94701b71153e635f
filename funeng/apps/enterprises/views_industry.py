"""The industry-code picker's search: GB/T 4754-2017 classes by code, name or pinyin, as JSON."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from engines.reference.industry_search import MAX_RESULTS, industry_search

MAX_QUERY = 40


@require_GET
@cache_control(max_age=3600, public=True)
def industry_search_view(request: HttpRequest) -> JsonResponse:
    """Up to MAX_RESULTS classes for ?q= (code, Chinese name fragment, full pinyin or initials).

    Open without login: people choose their industry while registering, and GB/T 4754 is a public
    standard. Nothing is stored; an empty or overlong query finds nothing.
    """
    query = request.GET.get("q", "")
    results = industry_search(query, limit=MAX_RESULTS) if len(query) <= MAX_QUERY else []
    return JsonResponse(
        {
            "query": query[:MAX_QUERY],
            "results": [
                {"code": entry.code, "name": entry.name, "label": f"{entry.code} {entry.name}"}
                for entry in results
            ],
        }
    )
