"""URLs — Consents (授权): grant, revoke, reads."""

from django.urls import URLPattern

app_name = "consents"
urlpatterns: list[URLPattern] = []
