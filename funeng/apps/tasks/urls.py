"""URLs — Background tasks: progress, list, retry."""

from django.urls import path

from funeng.apps.tasks import views

app_name = "tasks"
urlpatterns = [
    path("", views.task_list_view, name="list"),
    path("<uuid:run_id>/", views.task_detail_view, name="detail"),
    path("<uuid:run_id>/retry/", views.task_retry_view, name="retry"),
]
