"""The routes of scripts_app: its pages, and its REST API under /api/ (names in the `api`
namespace, e.g. `api:script-list`, apart from the pages' `script-list`)."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from scripts_app import views
from scripts_app.api.views import ExecutionViewSet, ScriptViewSet

router = DefaultRouter()
router.register("scripts", ScriptViewSet)
router.register("executions", ExecutionViewSet)

urlpatterns = [
    path("scripts/", views.script_list, name="script-list"),
    path("scripts/new/", views.ScriptCreate.as_view(), name="script-create"),
    path("scripts/<int:pk>/", views.script_page, name="script-page"),
    path("scripts/<int:pk>/edit/", views.ScriptUpdate.as_view(), name="script-update"),
    path("scripts/<int:pk>/delete/", views.ScriptDelete.as_view(), name="script-delete"),
    path("executions/", views.execution_list, name="execution-list"),
    path("api/", include((router.urls, "api"))),
]
