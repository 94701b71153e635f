"""URLs — Matchmaking (需求撮合): needs, solutions, proposals, deals, trust and gaps."""

from django.urls import path

from funeng.apps.matching import views

app_name = "matching"
urlpatterns = [
    path("", views.home, name="home"),
    path("needs/", views.need_list, name="needs"),
    path("needs/new/", views.need_create, name="need_create"),
    path("needs/suggest/", views.need_suggest, name="need_suggest"),
    path("needs/<int:need_id>/", views.need_detail, name="need"),
    path("needs/<int:need_id>/refresh/", views.need_refresh, name="need_refresh"),
    path("needs/<int:need_id>/events/", views.need_events, name="need_events"),
    path("needs/<int:need_id>/close/", views.need_close, name="need_close"),
    path("needs/<int:need_id>/compare/", views.need_compare, name="compare"),
    path("needs/<int:need_id>/request/<int:solution_id>/", views.proposal_request, name="proposal_request"),
    path("proposals/<int:proposal_id>/", views.proposal_detail, name="proposal"),
    path("proposals/<int:proposal_id>/accept/", views.proposal_accept, name="proposal_accept"),
    path("proposals/<int:proposal_id>/decline/", views.proposal_decline, name="proposal_decline"),
    path("proposals/<int:proposal_id>/withdraw/", views.proposal_withdraw, name="proposal_withdraw"),
    path("deals/", views.deal_list, name="deals"),
    path("deals/<int:deal_id>/", views.deal_detail, name="deal"),
    path("deals/<int:deal_id>/deliver/", views.deal_deliver, name="deal_deliver"),
    path("deals/<int:deal_id>/cancel/", views.deal_cancel, name="deal_cancel"),
    path("deals/<int:deal_id>/review/", views.review_create, name="review_create"),
    path("deals/<int:deal_id>/complain/", views.complaint_create, name="complaint_create"),
    path("complaints/", views.complaint_list, name="complaints"),
    path("complaints/<int:complaint_id>/decide/", views.complaint_decide, name="complaint_decide"),
    path("solutions/", views.solution_list, name="solutions"),
    path("solutions/new/", views.solution_create, name="solution_create"),
    path("solutions/<int:solution_id>/", views.solution_detail, name="solution"),
    path("solutions/<int:solution_id>/edit/", views.solution_edit, name="solution_edit"),
    path("solutions/<int:solution_id>/publish/", views.solution_publish, name="solution_publish"),
    path("solutions/<int:solution_id>/withdraw/", views.solution_withdraw, name="solution_withdraw"),
    path("inbox/", views.inbox, name="inbox"),
    path("providers/<int:provider_id>/trust/", views.provider_trust_view, name="trust"),
    path("trust/", views.trust_list, name="trust_list"),
    path("providers/", views.provider_directory, name="directory"),
    path("gaps/", views.gaps, name="gaps"),
]
