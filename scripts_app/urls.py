"""The routes of scripts_app: its pages, its REST API under /api/ (names in the `api`
namespace, e.g. `api:script-list`, apart from the pages' `script-list`), and the ping URLs."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from scripts_app import views
from scripts_app.api.views import ExecutionViewSet, ScriptViewSet
from scripts_app.monitoring import ping_keys, pings

router = DefaultRouter()
router.register("scripts", ScriptViewSet)
router.register("executions", ExecutionViewSet)

urlpatterns = [
    path("scripts/", views.script_list, name="script-list"),
    path("scripts/new/", views.ScriptCreate.as_view(), name="script-create"),
    path("scripts/<int:pk>/", views.script_page, name="script-page"),
    path("scripts/<int:pk>/edit/", views.ScriptUpdate.as_view(), name="script-update"),
    path("scripts/<int:pk>/delete/", views.ScriptDelete.as_view(), name="script-delete"),
    path("scripts/<int:pk>/ping-key/", ping_keys.regenerate_view, name="script-ping-key"),
    path("executions/", views.execution_list, name="execution-list"),
    path("api/", include((router.urls, "api"))),
    # Ping URLs, no sign-in: the key is the credential (scripts_app.monitoring.pings).
    path("ping/<str:key>", pings.ping, name="ping"),
    path("ping/<str:key>/start", pings.ping, {"signal": pings.START}, name="ping-start"),
    path("ping/<str:key>/fail", pings.ping, {"signal": pings.FAIL}, name="ping-fail"),
    path("ping/<str:key>/<int:exit_status>", pings.ping, name="ping-exit-status"),
]
