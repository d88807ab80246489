from django.urls import path

from dashboard_app import script_pages, views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("counters/<str:key>/", views.counter_list, name="counter-list"),
    path("scripts/", script_pages.script_list, name="script-list"),
    path("scripts/<int:pk>/", script_pages.script_page, name="script-page"),
]
