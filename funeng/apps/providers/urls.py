"""URLs — Provider applications and vetting."""

from django.urls import path

from funeng.apps.providers import views

app_name = "providers"
urlpatterns = [
    path("", views.provider_list_view, name="list"),
    path("apply/", views.provider_apply_view, name="apply"),
    path("<int:provider_id>/", views.provider_detail_view, name="detail"),
    path("<int:provider_id>/vet/", views.provider_vet_view, name="vet"),
    path("<int:provider_id>/edit/", views.provider_edit_view, name="edit"),
]
