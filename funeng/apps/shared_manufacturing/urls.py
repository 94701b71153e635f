"""URLs — Shared manufacturing: capacity registry, factories and machines, orders, plans."""

from django.urls import path

from funeng.apps.shared_manufacturing import views

app_name = "shared_manufacturing"
urlpatterns = [
    path("", views.home_view, name="home"),
    path("capacity/", views.capacity_view, name="capacity"),
    path("factories/new/", views.factory_new_view, name="factory-new"),
    path("factories/<int:pk>/", views.factory_view, name="factory"),
    path("factories/<int:pk>/edit/", views.factory_edit_view, name="factory-edit"),
    path("factories/<int:pk>/closures/new/", views.closure_new_view, name="closure-new"),
    path("factories/<int:pk>/machines/new/", views.machine_new_view, name="machine-new"),
    path("machines/<int:pk>/edit/", views.machine_edit_view, name="machine-edit"),
    path("machines/<int:pk>/downtime/", views.downtime_new_view, name="downtime-new"),
    path("orders/", views.orders_view, name="orders"),
    path("orders/new/", views.order_new_view, name="order-new"),
    path("orders/<int:pk>/", views.order_view, name="order"),
    path("orders/<int:pk>/plan/", views.order_plan_view, name="order-plan"),
    path("orders/<int:pk>/cancel/", views.order_cancel_view, name="order-cancel"),
    path("plans/<int:pk>/", views.plan_view, name="plan"),
    path("shares/<int:pk>/accept/", views.share_accept_view, name="share-accept"),
    path("shares/<int:pk>/decline/", views.share_decline_view, name="share-decline"),
]
