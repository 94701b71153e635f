"""URLs — the policy library (mounted at /library/)."""

from django.urls import path

from funeng.apps.library import views

app_name = "library"
urlpatterns = [
    path("", views.library_home_view, name="home"),
    path("search/", views.search_view, name="search"),
    path("ingest/", views.ingest_view, name="ingest"),
    path("documents/<slug:slug>/", views.document_view, name="document"),
    path("documents/<slug:slug>/edit/", views.metadata_edit_view, name="edit"),
    path("documents/<slug:slug>/measures/", views.measures_view, name="measures"),
    path("documents/<slug:slug>/measures.xlsx", views.measures_export_view, name="measures_export"),
    path("documents/<slug:slug>/changes/", views.changes_view, name="changes"),
    path("rule-links/<int:link_id>/checked/", views.rule_link_recheck_view, name="rule_link_recheck"),
    path("clauses/<path:key>/", views.clause_view, name="clause"),
]
