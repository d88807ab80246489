from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from dashboard_app.api import DashboardStatsView
from scripts_app.api import ExecutionViewSet, ScriptViewSet
from workflow_project.api_views import ThrottledObtainAuthToken

router = DefaultRouter()
router.register("scripts", ScriptViewSet)
router.register("executions", ExecutionViewSet)

urlpatterns = [
    path("admin/", admin.site.urls),
    # With or without the trailing slash, and no redirect either way.
    re_path(r"^api/dashboard/stats/?$", DashboardStatsView.as_view(), name="dashboard-stats"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/auth/token/", ThrottledObtainAuthToken.as_view(), name="api-token"),
    path("api/", include(router.urls)),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("scripts_app.urls")),
    path("", include("dashboard_app.urls")),
]
