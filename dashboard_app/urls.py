from django.urls import path

from dashboard_app import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("counters/<str:key>/", views.counter_list, name="counter-list"),
]
