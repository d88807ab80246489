"""Collect items during a transaction and hand them to a function once, after commit.

Django's on_commit() runs a callback per registration, and forgets the ones
registered inside a savepoint that rolls back. Here each transaction gets one
callback object per function that accumulates items (counter keys), so
that a transaction writing 10,000 rows runs its upkeep once. A rolled-back
transaction runs nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable

from django.db import connections, transaction

Flush = Callable[[set], None]


class _Batch:
    def __init__(self, flush: Flush) -> None:
        self.flush = flush
        self.items: set = set()
        # Items written since this transaction last recomputed them itself.
        self.unsettled: set = set()

    def __call__(self) -> None:
        self.flush(self.items)


_ATTRIBUTE = "_dashboard_app_batches"


def _open_batch(connection, flush: Flush) -> _Batch | None:
    batch = getattr(connection, _ATTRIBUTE, {}).get(flush)
    # Reuse the batch only while Django still holds its callback: a savepoint
    # rollback drops callbacks registered inside it, and the end of the
    # transaction drops them all. (Items added by a rolled-back savepoint to an
    # older batch only cause a spurious, harmless invalidation.)
    if batch is not None and any(entry[1] is batch for entry in connection.run_on_commit):
        return batch
    return None


def add_after_commit(using: str, items: Iterable[Hashable], flush: Flush) -> None:
    """Call flush(items) after the current transaction commits, once per transaction.

    Outside a transaction the write has already committed, so flush runs now.
    """
    items = set(items)
    if not items:
        return
    connection = connections[using]
    if not connection.in_atomic_block:
        flush(items)
        return
    batch = _open_batch(connection, flush)
    if batch is None:
        batch = _Batch(flush)
        if not hasattr(connection, _ATTRIBUTE):
            setattr(connection, _ATTRIBUTE, {})
        getattr(connection, _ATTRIBUTE)[flush] = batch
        transaction.on_commit(batch, using=using, robust=True)
    batch.items |= items
    batch.unsettled |= items


def unsettled_keys(using: str, flush: Flush) -> set:
    """Items the open transaction on this connection gave `flush` and has not settled since."""
    connection = connections[using]
    batch = _open_batch(connection, flush) if connection.in_atomic_block else None
    return set(batch.unsettled) if batch else set()


def settle(using: str, keys: Iterable[Hashable], flush: Flush) -> None:
    """The open transaction has stored fresh values for `keys` (still flushed at commit)."""
    connection = connections[using]
    batch = _open_batch(connection, flush) if connection.in_atomic_block else None
    if batch:
        batch.unsettled -= set(keys)
