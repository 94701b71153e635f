"""URLs — Consents (授权): grant, revoke, reads."""

from django.urls import path

from funeng.apps.accounts import views_consents

app_name = "consents"
urlpatterns = [
    path("", views_consents.consent_list_view, name="list"),
    path("grant/", views_consents.consent_grant_view, name="grant"),
    path("<int:consent_id>/", views_consents.consent_detail_view, name="detail"),
    path("<int:consent_id>/revoke/", views_consents.consent_revoke_view, name="revoke"),
]
