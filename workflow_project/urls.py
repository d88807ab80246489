"""The site's routes: each app's own (pages and API), plus what belongs to the project:
signing in and out, the admin, the API's schema and docs, the language switch."""

from django.contrib import admin
from django.contrib.auth.views import LogoutView
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from workflow_project.auth_views import ThrottledLoginView, ThrottledObtainAuthToken, throttled_admin_login

# A database that cannot be reached answers 503 with Retry-After (pages and API), not 500.
handler500 = "workflow_project.unavailable.server_error"

urlpatterns = [
    # Sign-in is throttled (workflow_project/auth_views.py); admin/login/ comes
    # before admin/ so that the admin's own, unthrottled view is never reached.
    path("accounts/login/", ThrottledLoginView.as_view(), name="login"),
    path("admin/login/", throttled_admin_login, name="admin-login"),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file (/api/docs/?script),
    # and our template drops the page's inline <style>: both would break the CSP.
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api-schema", template_name="api_docs/swagger_ui.html"),
        name="api-docs",
    ),
    path("api/auth/token/", ThrottledObtainAuthToken.as_view(), name="api-token"),
    # Only sign-out: password reset by e-mail is not offered.
    path("accounts/logout/", LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("scripts_app.urls")),
    path("", include("dashboard_app.urls")),
]
