"""The API tokens page of the account settings; funeng/urls.py includes it under settings/tokens/."""

from django.urls import path

from funeng.apps.api import views

app_name = "tokens"

urlpatterns = [
    path("", views.tokens_view, name="list"),
    path("<int:token_id>/revoke/", views.token_revoke_view, name="revoke"),
]
