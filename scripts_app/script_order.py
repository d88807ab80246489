"""The lists of scripts worst first, a page at a time: pages whose rows are picked through the
rollup and indexes, their health computed for those rows only.

Each order is two runs of rows: the scripts the order ranks, worst first (through
run_history: the rollup, or the executions while it cannot be trusted), then every other
script in execution order (a page of the scripts' (execution_order, id) index, each row
probed once for whether the first run holds it).

- failures: the scripts that failed today, most failures first, ties by id (a page of the
  rollup's partial index on today's failed rows; their number is the day's totals'), then the
  others. A page costs the same with 20 scripts as with 10,000.
- success_rate: the scripts with a run that ended in the last 7 days, lowest success rate
  first, then most failures today, then id (one aggregate of the week's rollup rows: a few
  rows per script that ran, not a computation per script of every figure), then the scripts
  with no rate.

A list narrowed by filters (a state, active or not, a name's text) passes them as `among`, a
queryset of the scripts it keeps: the ranked rows are then those whose script is among them
(each probed by id as the page is read), the others those of `among` in execution order, and
the count is `among`'s. Without it the order ranks every script.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.db.models import Exists, QuerySet

from scripts_app import health, run_history
from scripts_app.models import Script


class WorstFirst:
    """Scripts ranked first (`ranked_count`, `ranked_page(slice) -> ids`, `is_ranked`: an
    Exists on OuterRef("pk")), then the others in execution order; as Paginator takes a list
    (count() and slices). The page's scripts are read by id from `rows` (with their health)."""

    model = Script
    ordered = True

    def __init__(
        self,
        rows: QuerySet[Script],
        ranked_count: Callable[[], int],
        ranked_page: Callable[[slice], list[int]],
        is_ranked: Exists,
        among: QuerySet[Script] | None = None,
    ) -> None:
        self.rows = rows
        self.among = Script.objects.all() if among is None else among
        self._ranked_count = ranked_count
        self._ranked_page = ranked_page
        self.is_ranked = is_ranked
        self._ranked: int | None = None

    def ranked(self) -> int:
        if self._ranked is None:
            self._ranked = self._ranked_count()
        return self._ranked

    def count(self) -> int:
        # The ranked scripts are among them (a deleted script leaves the rollup first).
        return self.among.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, page: slice | int):
        if isinstance(page, int):
            return self[page : page + 1][0]
        start, stop = page.start or 0, page.stop
        ids: list[int] = []
        if self._ranked is None or start < self._ranked:
            ids += self._ranked_page(slice(start, stop))
            if len(ids) < stop - start and (ids or start == 0):
                # The ranked scripts end within this page: their number is known without
                # counting them (an aggregate as costly as the page's own, for the rates).
                self._ranked = start + len(ids)
        ranked = self.ranked() if len(ids) < stop - start else stop
        if stop > ranked:
            others = self.among.filter(~self.is_ranked).order_by("execution_order", "id")
            ids += list(others.values_list("pk", flat=True)[max(start - ranked, 0) : stop - ranked])
        found = self.rows.filter(pk__in=ids).in_bulk()
        return [found[pk] for pk in ids if pk in found]


def by_failures(rows: QuerySet[Script], today: date, among: QuerySet[Script] | None = None) -> WorstFirst:
    """Most failed runs today first, ties by id; then the others in execution order."""
    return WorstFirst(
        rows,
        lambda: run_history.failed_script_count(today, among),
        lambda page: [pk for pk, _ in run_history.most_failed(today, page, among)],
        run_history.failed_on(today),
        among,
    )


def by_success_rate(rows: QuerySet[Script], today: date, among: QuerySet[Script] | None = None) -> WorstFirst:
    """Lowest 7-day success rate first (then most failures today, then id); then the scripts
    with no rate in execution order."""
    first = health.rate_window(today)[0]
    return WorstFirst(
        rows,
        lambda: run_history.rated_count(first, today, among),
        lambda page: run_history.lowest_rates(first, today, page, among),
        run_history.rated(first, today),
        among,
    )


ORDERS = {"failures": by_failures, "success_rate": by_success_rate}
