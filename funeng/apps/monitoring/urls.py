"""URLs — regional monitoring (mounted at /monitoring/)."""

from django.urls import path

from funeng.apps.monitoring import views

app_name = "monitoring"
urlpatterns = [
    path("", views.monitoring_home_view, name="home"),
    path("indicators/<slug:indicator_id>/", views.indicator_view, name="indicator"),
    path("units/", views.unit_view, name="unit"),
    path("targets/", views.targets_view, name="targets"),
    path("targets/new/", views.target_create_view, name="target_create"),
    path("targets/<int:target_id>/", views.target_view, name="target"),
    path("report/", views.report_view, name="report"),
    path("values/<int:value_id>/source/", views.value_source_view, name="value_source"),
    path("import/", views.import_view, name="import"),
    path("import/template.xlsx", views.template_view, name="template"),
    path("recompute/", views.recompute_view, name="recompute"),
    path("export.xlsx", views.export_view, name="export"),
    path("report.pdf", views.report_pdf_view, name="report_pdf"),
]
