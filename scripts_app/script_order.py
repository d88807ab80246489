"""The lists of scripts in a page at a time: pages whose rows are picked through indexes, and
whose health is computed for those rows only.

Sorted by failures today, the list is two runs of rows: the scripts that failed today, most
failures first (a page of the rollup's partial index on today's failed rows, through
run_history), then every other script in execution order (a page of the scripts'
(execution_order, id) index, each row probed once for a failure today); the first run's length
is the day's totals' count of failed scripts. So a page costs
the same with 20 scripts as with 10,000, where sorting on a figure computed for every script
cost seconds.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.db.models import QuerySet

from scripts_app import run_history
from scripts_app.models import Script


class ScriptsByFailures:
    """Scripts with the most failed runs on `day` first, ties by id, then the others in
    execution order; as Paginator takes a list (count() and slices). `rows` is the queryset the
    page's scripts are read from by id (with their health and last run); `scripts` the scripts
    listed (unfiltered: a filter makes the list fall back to an ordinary queryset)."""

    model = Script
    ordered = True

    def __init__(self, rows: QuerySet[Script], day: date, decorate: Callable[[Script], None] | None = None):
        self.rows = rows
        self.day = day
        self.decorate = decorate
        self._failed: int | None = None

    def failed(self) -> int:
        if self._failed is None:
            self._failed = run_history.failed_script_count(self.day)
        return self._failed

    def count(self) -> int:
        # The failed scripts are among them (a deleted script leaves the rollup first).
        return Script.objects.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, page: slice | int):
        if isinstance(page, int):
            return self[page : page + 1][0]
        start, stop = page.start or 0, page.stop
        failed = self.failed()
        ids: list[int] = []
        if start < failed:
            ids += [pk for pk, _ in run_history.most_failed(self.day, slice(start, min(stop, failed)))]
        if stop > failed:
            others = Script.objects.filter(~run_history.failed_on(self.day)).order_by("execution_order", "id")
            first = max(start - failed, 0)
            ids += list(others.values_list("pk", flat=True)[first : stop - failed])
        found = self.rows.filter(pk__in=ids).in_bulk()
        listed = [found[pk] for pk in ids if pk in found]
        if self.decorate is not None:
            for script in listed:
                self.decorate(script)
        return listed
