"""URLs — Accounts: enterprise registration and claims, invitations, colleagues, password reset and change."""

from django.contrib.auth import views as auth_views
from django.urls import path

from funeng.apps.accounts import views, views_claims

app_name = "accounts"
urlpatterns = [
    path("register/enterprise/", views.register_enterprise_view, name="register_enterprise"),
    path("claims/", views_claims.claims_view, name="claims"),
    path("claims/new/", views_claims.claim_new_view, name="claim_new"),
    path("claims/<int:claim_id>/", views_claims.claim_detail_view, name="claim_detail"),
    path("claims/<int:claim_id>/decide/", views_claims.claim_decide_view, name="claim_decide"),
    path("claims/documents/<int:document_id>/", views_claims.claim_document_view, name="claim_document"),
    path(
        "claims/enterprises/<int:enterprise_id>/",
        views_claims.enterprise_claims_view,
        name="enterprise_claims",
    ),
    path(
        "claims/enterprises/<int:enterprise_id>/code/",
        views_claims.claim_code_issue_view,
        name="claim_code_issue",
    ),
    path("colleagues/", views.colleagues_view, name="colleagues"),
    path("colleagues/<int:membership_id>/remove/", views.colleague_remove_view, name="colleague_remove"),
    path("invitations/<int:invitation_id>/revoke/", views.invitation_revoke_view, name="invitation_revoke"),
    path("invitations/accept/<str:token>/", views.invite_accept_view, name="invite_accept"),
    path("password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="registration/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="registration/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    path("password/change/", views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(template_name="registration/password_change_done.html"),
        name="password_change_done",
    ),
]
