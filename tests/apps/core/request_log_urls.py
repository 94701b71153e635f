"""A URL configuration for the request-log tests: the real site plus views that fail on purpose."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import path

from funeng.urls import urlpatterns as site_urlpatterns


def broken(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug in a view")


def missing(request: HttpRequest) -> HttpResponse:
    raise Http404("no such thing")


def refused(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied


urlpatterns = [
    path("test-broken/", broken),
    path("test-missing/", missing),
    path("test-refused/", refused),
    *site_urlpatterns,
]
handler500 = "funeng.apps.core.views.server_error"
