"""URLs — policies pages (mounted at /policies/)."""

from django.urls import path  # noqa: F401  (patterns are added as pages land)

app_name = "policies"
urlpatterns: list = []  # type: ignore[type-arg]
