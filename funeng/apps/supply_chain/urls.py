"""URLs — supply-chain finance (供应链金融), mounted at /supply-chain/."""

from django.urls import path

from funeng.apps.supply_chain import views

app_name = "supply_chain"
urlpatterns = [
    path("", views.home_view, name="home"),
    path("receivables/mine/", views.supplied_view, name="supplied"),
    path("receivables/to-confirm/", views.owed_view, name="owed"),
    path("receivables/offered/", views.offered_view, name="offered"),
    path("receivables/new/", views.receivable_new_view, name="receivable_new"),
    path("receivables/<int:receivable_id>/", views.receivable_detail_view, name="receivable"),
    path("receivables/<int:receivable_id>/confirm/", views.receivable_confirm_view, name="confirm"),
    path("receivables/<int:receivable_id>/dispute/", views.receivable_dispute_view, name="dispute"),
    path("receivables/<int:receivable_id>/offer/", views.receivable_offer_view, name="offer"),
    path("receivables/<int:receivable_id>/finance/", views.receivable_finance_view, name="finance"),
    path("receivables/<int:receivable_id>/decline/", views.receivable_decline_view, name="decline"),
    path("receivables/<int:receivable_id>/settle/", views.receivable_settle_view, name="settle"),
    path("directory/", views.directory_view, name="directory"),
    path("directory/new/", views.listing_new_view, name="listing_new"),
    path("directory/<int:listing_id>/", views.listing_detail_view, name="listing"),
    path("directory/<int:listing_id>/withdraw/", views.listing_withdraw_view, name="listing_withdraw"),
    path("directory/<int:listing_id>/financed/", views.listing_financed_view, name="listing_financed"),
]
