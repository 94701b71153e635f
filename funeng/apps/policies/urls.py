"""URLs — policy pages (mounted at /policies/)."""

from django.urls import path

from funeng.apps.policies import views

app_name = "policies"
urlpatterns = [
    path("", views.policies_home_view, name="home"),
    path("programmes/", views.programmes_view, name="programmes"),
    path("programmes/<str:programme_id>/", views.programme_view, name="programme"),
    path("enterprises/<int:enterprise_id>/", views.enterprise_policies_view, name="enterprise"),
    path("notices/", views.notices_view, name="notices"),
    path("notices/<int:notice_id>/read/", views.notice_read_view, name="notice_read"),
    path("proactive/", views.proactive_view, name="proactive"),
    path("runs/<int:run_id>/", views.run_view, name="run"),
    path("runs/<int:run_id>/notify/", views.run_notify_view, name="run_notify"),
    path("runs/<int:run_id>/export.xlsx", views.run_export_view, name="run_export"),
    path("results/<int:result_id>/decide/", views.decide_view, name="decide"),
]
