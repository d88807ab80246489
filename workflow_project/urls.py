from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from dashboard_app.api import DashboardStatsView
from scripts_app.api import ExecutionViewSet, ScriptViewSet
from workflow_project.api_views import ThrottledObtainAuthToken
from workflow_project.auth_views import ThrottledLoginView, throttled_admin_login

router = DefaultRouter()
router.register("scripts", ScriptViewSet)
router.register("executions", ExecutionViewSet)

urlpatterns = [
    # Before any include("django.contrib.auth.urls"), so that the throttled view wins.
    path("accounts/login/", ThrottledLoginView.as_view(), name="login"),
    path("admin/login/", throttled_admin_login, name="admin-login"),
    path("admin/", admin.site.urls),
    # With or without the trailing slash, and no redirect either way.
    re_path(r"^api/dashboard/stats/?$", DashboardStatsView.as_view(), name="dashboard-stats"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/auth/token/", ThrottledObtainAuthToken.as_view(), name="api-token"),
    path("api/", include(router.urls)),
]
