"""URLs — assessment pages (mounted at /assessment/)."""

from django.urls import path  # noqa: F401  (patterns are added as pages land)

app_name = "assessment"
urlpatterns: list = []  # type: ignore[type-arg]
