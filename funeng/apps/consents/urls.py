"""URLs — Consents (授权): grant, revoke, reads."""

from django.urls import path

from funeng.apps.consents import views

app_name = "consents"
urlpatterns = [
    path("", views.consent_list_view, name="list"),
    path("grant/", views.consent_grant_view, name="grant"),
    path("<int:consent_id>/", views.consent_detail_view, name="detail"),
    path("<int:consent_id>/revoke/", views.consent_revoke_view, name="revoke"),
]
