"""Point the whole ORM at another database for a while: `with using_database("small"):`.

The scaling row times the live recompute on two tables, a small and a large
one, in alternating turns so that noise from other load hits both alike.
get_stats() asks the routers which database to use (and queries through the
default managers), so this router sends every read and write inside the block
to the chosen alias: the product has no parameter for it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_alias: ContextVar[str | None] = ContextVar("bench_database_alias", default=None)


class ChosenDatabaseRouter:
    def db_for_read(self, model, **hints) -> str | None:
        return _alias.get()

    def db_for_write(self, model, **hints) -> str | None:
        return _alias.get()


@contextmanager
def using_database(alias: str) -> Iterator[None]:
    token = _alias.set(alias)
    try:
        yield
    finally:
        _alias.reset(token)
