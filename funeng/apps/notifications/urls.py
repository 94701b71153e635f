from django.urls import path

from funeng.apps.notifications import views

app_name = "notifications"

urlpatterns = [
    path("<int:notification_id>/read/", views.read_view, name="read"),
    path("read-all/", views.read_all_view, name="read-all"),
]
