from django.urls import path

from funeng.apps.lending import views

app_name = "lending"

urlpatterns = [
    path("", views.lending_home_view, name="home"),
    path("products/<int:product_id>/apply/", views.apply_view, name="apply"),
    path("applications/<int:application_id>/", views.application_view, name="application"),
    path("applications/<int:application_id>/decide/", views.decide_view, name="decide"),
    path("applications/<int:application_id>/reassess/", views.reassess_view, name="reassess"),
    path("applications/<int:application_id>/withdraw/", views.withdraw_view, name="withdraw"),
    path("bank/", views.queue_view, name="queue"),
    path("bank/products/new/", views.product_edit_view, name="product-new"),
    path("bank/products/<int:product_id>/", views.product_edit_view, name="product-edit"),
    path("bank/monitoring/", views.monitoring_view, name="monitoring"),
    path("bank/scorecards/new/", views.scorecard_upload_view, name="scorecard-new"),
    path("loans/", views.loans_view, name="loans"),
    path("loans/<int:loan_id>/", views.loan_view, name="loan"),
    path("region/", views.region_view, name="region"),
    path("region/approve/", views.subsidy_approve_view, name="subsidy-approve"),
    path("region/subsidy.csv", views.subsidy_export_view, name="subsidy-export"),
]
