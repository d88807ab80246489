"""The dashboard's routes: its pages, its API under /api/dashboard/, the alerts' pages and API
(/channels/, /notifications/, /api/channels/, /api/notifications/), and /metrics."""

from django.urls import include, path, re_path
from rest_framework.routers import SimpleRouter

from dashboard_app.alerts import pages as alert_pages
from dashboard_app.alerts.api import ChannelViewSet, NotificationViewSet
from dashboard_app.api.history import DashboardHistoryView
from dashboard_app.api.metrics import metrics
from dashboard_app.api.stats import DashboardStatsView
from dashboard_app.pages import dashboard

# Alerts' API: /api/channels/ and /api/notifications/ (names in the `alerts-api` namespace).
alerts_router = SimpleRouter()
alerts_router.register("channels", ChannelViewSet)
alerts_router.register("notifications", NotificationViewSet)

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("counters/<str:key>/", dashboard.counter_list, name="counter-list"),
    # With or without the trailing slash, and no redirect either way.
    re_path(r"^api/dashboard/stats/?$", DashboardStatsView.as_view(), name="dashboard-stats"),
    re_path(r"^api/dashboard/history/?$", DashboardHistoryView.as_view(), name="dashboard-history"),
    path("api/", include((alerts_router.urls, "alerts-api"))),
    path("channels/", alert_pages.channel_list, name="channel-list"),
    path("channels/new/", alert_pages.ChannelCreate.as_view(), name="channel-create"),
    path("channels/<int:pk>/edit/", alert_pages.ChannelUpdate.as_view(), name="channel-update"),
    path("channels/<int:pk>/delete/", alert_pages.ChannelDelete.as_view(), name="channel-delete"),
    path("channels/<int:pk>/test/", alert_pages.channel_test, name="channel-test"),
    path("notifications/", alert_pages.notification_log, name="notification-log"),
    # Prometheus scrapes /metrics, without a trailing slash, by default.
    path("metrics", metrics, name="metrics"),
]
