from django.urls import path

from funeng.apps.enterprises import views

app_name = "enterprises"
urlpatterns = [
    path("", views.enterprise_list_view, name="list"),
    path("<int:enterprise_id>/", views.enterprise_detail_view, name="detail"),
    path("import/", views.enterprise_import_view, name="import"),
    path("import/template.<str:fmt>", views.enterprise_template_view, name="template"),
    path("export.<str:fmt>", views.enterprise_export_view, name="export"),
]
