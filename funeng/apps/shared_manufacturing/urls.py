"""URLs — Shared manufacturing: capacity registry, factories and machines, orders, plans."""

from django.urls import path

from funeng.apps.shared_manufacturing import views

app_name = "shared_manufacturing"
urlpatterns = [
    path("", views.home_view, name="home"),
    path("capacity/", views.capacity_view, name="capacity"),
    path("factories/new/", views.factory_new_view, name="factory-new"),
    path("factories/<int:factory_id>/", views.factory_view, name="factory"),
    path("factories/<int:factory_id>/edit/", views.factory_edit_view, name="factory-edit"),
    path("factories/<int:factory_id>/closures/new/", views.closure_new_view, name="closure-new"),
    path("factories/<int:factory_id>/machines/new/", views.machine_new_view, name="machine-new"),
    path("machines/<int:machine_id>/edit/", views.machine_edit_view, name="machine-edit"),
    path("machines/<int:machine_id>/downtime/", views.downtime_new_view, name="downtime-new"),
    path("orders/", views.orders_view, name="orders"),
    path("orders/new/", views.order_new_view, name="order-new"),
    path("orders/routing-template.xlsx", views.routing_template_view, name="routing-template"),
    path("orders/<int:order_id>/", views.order_view, name="order"),
    path("orders/<int:order_id>/plan/", views.order_plan_view, name="order-plan"),
    path("orders/<int:order_id>/cancel/", views.order_cancel_view, name="order-cancel"),
    path("plans/<int:plan_id>/", views.plan_view, name="plan"),
    path("shares/<int:share_id>/accept/", views.share_accept_view, name="share-accept"),
    path("shares/<int:share_id>/decline/", views.share_decline_view, name="share-decline"),
]
