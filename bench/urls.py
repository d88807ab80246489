from django.urls import path

from bench.views import FloorView
from workflow_project.urls import urlpatterns as product_urlpatterns

FLOOR_PATH = "/bench/floor"

urlpatterns = [path(FLOOR_PATH.lstrip("/"), FloorView.as_view(), name="bench-floor"), *product_urlpatterns]
