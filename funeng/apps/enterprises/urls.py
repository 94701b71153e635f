from django.urls import path

from funeng.apps.enterprises import views, views_edit, views_industry, views_io

app_name = "enterprises"
urlpatterns = [
    path("", views.enterprise_list_view, name="list"),
    path("<int:enterprise_id>/", views.enterprise_detail_view, name="detail"),
    path("<int:enterprise_id>/edit/", views_edit.enterprise_edit_view, name="edit"),
    path("industries/", views_industry.industry_search_view, name="industry_search"),
    path("import/", views_io.enterprise_import_view, name="import"),
    path("import/template.<str:fmt>", views_io.enterprise_template_view, name="template"),
    path("export.<str:fmt>", views_io.enterprise_export_view, name="export"),
]
