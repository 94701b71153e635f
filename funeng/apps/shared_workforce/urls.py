"""URLs — shared workforce (共享用工), mounted at /workforce/."""

from django.urls import path

from funeng.apps.shared_workforce import views

app_name = "shared_workforce"
urlpatterns = [
    path("", views.workforce_home_view, name="home"),
    path("posts/", views.posts_view, name="posts"),
    path("workers/", views.worker_list_view, name="workers"),
    path("workers/new/", views.worker_new_view, name="worker_new"),
    path("workers/<int:worker_id>/", views.worker_detail_view, name="worker"),
    path("surplus/new/", views.surplus_new_view, name="surplus_new"),
    path("surplus/<int:surplus_id>/", views.surplus_detail_view, name="surplus"),
    path("surplus/<int:post_id>/close/", views.post_close_view, {"kind": "surplus"}, name="surplus_close"),
    path("demand/new/", views.demand_new_view, name="demand_new"),
    path("demand/<int:demand_id>/", views.demand_detail_view, name="demand"),
    path("demand/<int:post_id>/close/", views.post_close_view, {"kind": "demand"}, name="demand_close"),
    path("demand/<int:demand_id>/matches/", views.demand_matches_view, name="matches"),
    path("demand/<int:demand_id>/propose/", views.agreement_propose_view, name="propose"),
    path("agreements/", views.agreement_list_view, name="agreements"),
    path("agreements/<int:agreement_id>/", views.agreement_detail_view, name="agreement"),
    path("agreements/<int:agreement_id>/answer/", views.agreement_answer_view, name="answer"),
    path("agreements/<int:agreement_id>/activate/", views.agreement_activate_view, name="activate"),
    path("agreements/<int:agreement_id>/close/", views.agreement_close_view, name="close"),
    path("agreements/<int:agreement_id>/hours/", views.hours_create_view, name="hours"),
    path("mine/", views.my_agreements_view, name="mine"),
]
