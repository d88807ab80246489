from django.urls import path

from scripts_app import views

urlpatterns = [
    path("scripts/new/", views.ScriptCreate.as_view(), name="script-create"),
    path("scripts/<int:pk>/edit/", views.ScriptUpdate.as_view(), name="script-update"),
    path("scripts/<int:pk>/delete/", views.ScriptDelete.as_view(), name="script-delete"),
    path("executions/", views.execution_list, name="execution-list"),
]
