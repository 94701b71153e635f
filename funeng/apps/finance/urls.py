"""URLs — Digital footprint (云量贷 evidence): an enterprise's cloud bills and investments, the cloud-bill import."""

from django.urls import path

from funeng.apps.finance import views

app_name = "finance"
urlpatterns = [
    path("", views.home_view, name="home"),
    path("enterprises/<int:enterprise_id>/", views.footprint_view, name="footprint"),
    path(
        "enterprises/<int:enterprise_id>/investments/new/", views.investment_new_view, name="investment-new"
    ),
    path(
        "investments/<int:investment_id>/evidence/",
        views.investment_evidence_view,
        name="investment-evidence",
    ),
    path("investments/<int:investment_id>/verify/", views.investment_verify_view, name="investment-verify"),
    path("cloud-bills/import/", views.import_view, name="import"),
    path("cloud-bills/template.xlsx", views.template_view, name="template"),
]
