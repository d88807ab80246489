"""The dashboard's routes: its pages, its API under /api/dashboard/, and /metrics."""

from django.urls import path, re_path

from dashboard_app.api.history import DashboardHistoryView
from dashboard_app.api.metrics import metrics
from dashboard_app.api.stats import DashboardStatsView
from dashboard_app.pages import dashboard

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("counters/<str:key>/", dashboard.counter_list, name="counter-list"),
    # With or without the trailing slash, and no redirect either way.
    re_path(r"^api/dashboard/stats/?$", DashboardStatsView.as_view(), name="dashboard-stats"),
    re_path(r"^api/dashboard/history/?$", DashboardHistoryView.as_view(), name="dashboard-history"),
    # Prometheus scrapes /metrics, without a trailing slash, by default.
    path("metrics", metrics, name="metrics"),
]
