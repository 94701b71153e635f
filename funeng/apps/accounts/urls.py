"""URLs — Accounts: registration, invitations, password reset and change."""

from django.urls import URLPattern

app_name = "accounts"
urlpatterns: list[URLPattern] = []
