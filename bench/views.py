"""The floor: what the framework costs for an authenticated API read that does no work."""

from __future__ import annotations

from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

# Shaped like the stats envelope, so that both render the same amount of JSON.
CONSTANT = {
    "success": True,
    "message": "Dashboard statistics loaded.",
    "data": {"total_scripts": 0, "today_executions": 0, "today_failed_scripts": 0, "inactive_scripts": 0},
    "meta": {
        "date": "2026-01-01",
        "time_zone": "UTC",
        "computed_at": "2026-01-01T00:00:00+00:00",
        "source": "cache",
    },
}


class FloorView(APIView):
    """Same authentication (the project's defaults) and permission as the stats view."""

    permission_classes = [IsAuthenticated]

    def get(self, request: Request) -> Response:
        return Response(CONSTANT)
