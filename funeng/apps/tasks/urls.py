"""URLs — Background tasks: progress, list, retry."""

from django.urls import path

from funeng.apps.tasks import views

app_name = "tasks"
urlpatterns = [
    path("", views.task_list_view, name="list"),
    path("<uuid:run_id>/", views.task_detail_view, name="detail"),
    path("<uuid:run_id>/retry/", views.task_retry_view, name="retry"),
    path("<uuid:run_id>/file/", views.task_file_view, name="file"),
    path("start/<str:kind>/", views.task_start_view, name="start"),
]
