"""URLs — designations (认定名录), mounted at /designations/."""

from django.urls import path

from funeng.apps.designations import views

app_name = "designations"
urlpatterns = [
    path("", views.designation_list_view, name="list"),
    path("apply/", views.designation_apply_view, name="apply"),
    path("nominate/", views.designation_nominate_view, name="nominate"),
    path("cases/", views.case_library_view, name="cases"),
    path("<int:entry_id>/", views.designation_detail_view, name="detail"),
    path("<int:entry_id>/decide/", views.designation_decide_view, name="decide"),
    path("<int:entry_id>/exit/", views.designation_exit_view, name="exit"),
    path("<int:entry_id>/withdraw/", views.designation_withdraw_view, name="withdraw"),
    path("evidence/<int:designation_evidence_id>/", views.designation_evidence_view, name="evidence"),
]
