"""The product's WSGI application for the bench, with the dashboard's upkeep off when
BENCH_UPKEEP=off: row 4c's "off" server, whose writes then take the path they
take in a project without the dashboard (bench.upkeep; nothing forked). Here
only its receivers: the rollup's triggers belong to the database both servers
share, and row 4c switches them off around each round of this server's
(bench.api_writes)."""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
application = get_wsgi_application()

if os.environ.get("BENCH_UPKEEP") == "off":
    from bench.upkeep import disconnect_receivers

    disconnect_receivers()
