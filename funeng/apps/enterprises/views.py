"""Registry pages: list with filters and the detail page; import/export pages live in views_io."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from engines.classify import digital_economy_class, size_class
from engines.reference.industry import industry_table
from engines.reference.regions import region_table
from funeng.apps.consents.categories import ALL_CATEGORIES, FINANCIALS, PROFILE
from funeng.apps.consents.const import ReadChannel
from funeng.apps.consents.selectors import active_consents_read_by, category_labels
from funeng.apps.consents.services import consent_reads_log, consented_read_log
from funeng.apps.core.i18n import engine_language
from funeng.apps.core.sorting import sort_from_query
from funeng.apps.enterprises.access import (
    access_enterprise_for_user,
    can_export_enterprises,
    can_import_enterprises,
    can_manage_enterprise_claims,
    enterprise_categories_readable_by,
    enterprise_fields_writable_by,
    enterprises_categories_readable_by,
    enterprises_profile_visible_to,
    enterprises_visible_to,
    is_colleague_of,
)
from funeng.apps.enterprises.const import SizeClass
from funeng.apps.enterprises.fields import DERIVED_RATIO_CATEGORIES
from funeng.apps.enterprises.policy_record import enterprise_policy_record
from funeng.apps.enterprises.selectors import EnterpriseFilter, enterprise_list

PAGE_SIZE = 50
# Columns the list sorts by (?sort=key or ?sort=-key); anything else keeps the default order (name).
SORTS: dict[str, tuple[str, ...]] = {
    "name": ("name",),
    "credit_code": ("credit_code",),
    "industry": ("industry_code",),
    "region": ("region_code",),
    "employees": ("employees",),
    "size_class": ("size_class",),
}
# Sorting by these orders rows by profile figures, which a bank sees only under consent.
PROFILE_SORTS = frozenset({"industry", "region", "employees", "size_class"})


def _region_name(code: str) -> str:
    return region_table().full_name(code, default=code)


@login_required
def enterprise_list_view(request: HttpRequest) -> HttpResponse:
    """Paginated, filterable list of the enterprises the user may see."""
    filters = EnterpriseFilter.from_query(request.GET)
    sort = sort_from_query(request.GET, SORTS)
    # Filtering or sorting by region, industry or size would reveal those fields; a bank may only
    # filter and sort among the enterprises that shared their profile with it.
    narrows_by_profile = any((filters.region, filters.industry, filters.size_class, filters.de_core))
    narrows_by_profile = narrows_by_profile or sort.key in PROFILE_SORTS
    visible = (enterprises_profile_visible_to if narrows_by_profile else enterprises_visible_to)(request.user)
    queryset = enterprise_list(visible, filters)
    if sort.key:
        queryset = queryset.order_by(*sort.order_by(SORTS))
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    industries = industry_table()
    readable = enterprises_categories_readable_by(request.user, page.object_list)
    rows = [
        {
            "enterprise": e,
            "industry_name": industries.by_code[e.industry_code].name
            if e.industry_code in industries.by_code
            else "",
            "region_name": _region_name(e.region_code),
            "profile_shared": PROFILE in readable.get(e.pk, frozenset()),
        }
        for e in page.object_list
    ]
    consents = list(active_consents_read_by(request.user, [e.pk for e in page.object_list]))
    if consents:
        consent_reads_log(
            reader=request.user, consents=consents, categories=[PROFILE], channel=ReadChannel.WEB
        )
    regions = region_table()
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "sort": sort,
        "rows": rows,
        "filters": filters,
        "querystring": query.urlencode(),
        "provinces": regions.provinces(),
        "prefectures": regions.prefectures(filters.region[:2] + "0000") if filters.region else [],
        "sections": industries.of_level("section"),
        "size_choices": SizeClass.choices,
        "can_import": can_import_enterprises(request.user),
        "can_export": can_export_enterprises(request.user),
    }
    return render(request, "enterprises/list.html", context)


@login_required
def enterprise_detail_view(request: HttpRequest, enterprise_id: int) -> HttpResponse:
    """One enterprise with its codes resolved and its derived classes explained.

    A bank sees only the categories shared with it; each view is logged against the consents used.
    """
    enterprise = access_enterprise_for_user(request.user, enterprise_id)
    readable = enterprise_categories_readable_by(request.user, enterprise)
    consents = consented_read_log(
        reader=request.user, enterprise_id=enterprise.pk, categories=readable, channel=ReadChannel.WEB
    )
    industries = industry_table()
    industry = industries.by_code.get(enterprise.industry_code)
    lineage = []
    if industry is not None:
        lineage = [
            industries.by_code[industry.section],
            industries.by_code[industry.code[:2]],
            industries.by_code[industry.code[:3]],
            industry,
        ]
    size = size_class(
        enterprise.industry_code, enterprise.employees, enterprise.revenue_cny, enterprise.assets_cny
    )
    record = enterprise_policy_record(enterprise)
    context = {
        "enterprise": enterprise,
        # A computed ratio is shown only to a reader of every category its inputs come from.
        "derived": {
            name: record[name] if categories <= readable else None
            for name, categories in DERIVED_RATIO_CATEGORIES.items()
        },
        "derived_shared": {
            name: categories <= readable for name, categories in DERIVED_RATIO_CATEGORIES.items()
        },
        "industry_lineage": lineage,
        "region_name": _region_name(enterprise.region_code),
        "size": size,
        # Missing inputs as people call them, not their field names.
        "size_missing": size.missing_labels(engine_language()),
        "de": digital_economy_class(enterprise.industry_code),
        "stale": size.size_class != enterprise.size_class,
        "shared": {category: category in readable for category in ALL_CATEGORIES},
        # The size explanation quotes revenue and assets, so it needs the financials too.
        "size_explained": PROFILE in readable and FINANCIALS in readable,
        "consents": [{"consent": c, "categories": category_labels(c.categories)} for c in consents],
        "can_edit": bool(enterprise_fields_writable_by(request.user, enterprise)),
        "can_manage_claims": can_manage_enterprise_claims(request.user, enterprise),
        "colleague": is_colleague_of(request.user, enterprise),
    }
    return render(request, "enterprises/detail.html", context)
