"""Mark messages read: one (then open what it is about) or all of them. Both are POSTs."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from funeng.apps.notifications.access import access_notification_for_user, inbox_enterprise_id
from funeng.apps.notifications.services import notification_mark_read, notifications_mark_all_read


@login_required
@require_POST
def read_view(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Mark the message read and go to what it is about (back to the inbox when asked or linkless)."""
    notification = access_notification_for_user(request.user, notification_id)
    notification_mark_read(notification=notification, acting_user=request.user)
    if request.POST.get("back") == "inbox" or not url_has_allowed_host_and_scheme(
        notification.link, allowed_hosts=None
    ):
        return redirect("inbox")
    return redirect(notification.link)


@login_required
@require_POST
def read_all_view(request: HttpRequest) -> HttpResponse:
    enterprise_id = inbox_enterprise_id(request.user)
    if enterprise_id is None:
        raise PermissionDenied
    notifications_mark_all_read(enterprise_id=enterprise_id, acting_user=request.user)
    return redirect("inbox")
