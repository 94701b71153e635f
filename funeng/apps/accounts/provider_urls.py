"""URLs — Provider applications and vetting."""

from django.urls import path

from funeng.apps.accounts import views_providers

app_name = "providers"
urlpatterns = [
    path("", views_providers.provider_list_view, name="list"),
    path("<int:provider_id>/", views_providers.provider_detail_view, name="detail"),
    path("<int:provider_id>/vet/", views_providers.provider_vet_view, name="vet"),
    path("<int:provider_id>/edit/", views_providers.provider_edit_view, name="edit"),
]
