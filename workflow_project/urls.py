from django.contrib import admin
from django.contrib.auth.views import LogoutView
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from dashboard_app.api import DashboardStatsView
from dashboard_app.history_api import DashboardHistoryView
from dashboard_app.metrics_view import metrics
from dashboard_app.script_api import ScriptHealthViewSet
from scripts_app.api import ExecutionViewSet
from workflow_project.api_views import ThrottledObtainAuthToken
from workflow_project.auth_views import ThrottledLoginView, throttled_admin_login

# A database that cannot be reached answers 503 with Retry-After (pages and API), not 500.
handler500 = "workflow_project.unavailable.server_error"

router = DefaultRouter()
# The scripts with their health (from the dashboard's rollup); scripts_app's own viewset is plain CRUD.
router.register("scripts", ScriptHealthViewSet)
router.register("executions", ExecutionViewSet)

urlpatterns = [
    # Sign-in is throttled (workflow_project/auth_views.py); admin/login/ comes
    # before admin/ so that the admin's own, unthrottled view is never reached.
    path("accounts/login/", ThrottledLoginView.as_view(), name="login"),
    path("admin/login/", throttled_admin_login, name="admin-login"),
    path("admin/", admin.site.urls),
    # With or without the trailing slash, and no redirect either way.
    re_path(r"^api/dashboard/stats/?$", DashboardStatsView.as_view(), name="dashboard-stats"),
    re_path(r"^api/dashboard/history/?$", DashboardHistoryView.as_view(), name="dashboard-history"),
    # Prometheus scrapes /metrics, without a trailing slash, by default.
    path("metrics", metrics, name="metrics"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file (/api/docs/?script),
    # and our template drops the page's inline <style>: both would break the CSP.
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api-schema", template_name="api_docs/swagger_ui.html"),
        name="api-docs",
    ),
    path("api/auth/token/", ThrottledObtainAuthToken.as_view(), name="api-token"),
    path("api/", include(router.urls)),
    # Only sign-out: password reset by e-mail is not offered (no mail is set up).
    path("accounts/logout/", LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("scripts_app.urls")),
    path("", include("dashboard_app.urls")),
]
