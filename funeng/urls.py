"""URL map: portal pages, the language switch, Django admin."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from funeng.apps.api.urls import api
from funeng.apps.portals import views as portal_views
from funeng.apps.tasks import views as task_views

urlpatterns = [
    path("", portal_views.home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(template_name="core/login.html"), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", include("funeng.apps.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("messages/", portal_views.inbox, name="inbox"),
    path("messages/", include("funeng.apps.notifications.urls")),
    path("providers/", include("funeng.apps.providers.urls")),
    path("consents/", include("funeng.apps.consents.urls")),
    path("audit/", include("funeng.apps.audit.urls")),
    path("enterprises/", include("funeng.apps.enterprises.urls")),
    path("assessment/", include("funeng.apps.assessment.urls")),
    path("policies/", include("funeng.apps.policies.urls")),
    path("library/", include("funeng.apps.library.urls")),
    path("designations/", include("funeng.apps.designations.urls")),
    path("finance/", include("funeng.apps.finance.urls")),
    path("lending/", include("funeng.apps.lending.urls")),
    path("manufacturing/", include("funeng.apps.shared_manufacturing.urls")),
    path("matching/", include("funeng.apps.matching.urls")),
    path("monitoring/", include("funeng.apps.monitoring.urls")),
    path("workforce/", include("funeng.apps.shared_workforce.urls")),
    path("supply-chain/", include("funeng.apps.supply_chain.urls")),
    path("settings/tokens/", include("funeng.apps.api.page_urls")),
    path("tasks/", include("funeng.apps.tasks.urls")),
    path("healthz", task_views.healthz_view, name="healthz"),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

handler500 = "funeng.apps.core.views.server_error"
