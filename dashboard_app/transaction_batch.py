"""Collect keys during a transaction and hand them to a function once, after commit.

Django's on_commit() runs a callback per registration, and forgets the ones
registered inside a savepoint that rolls back. Here each transaction gets one
callback object that accumulates keys, so that a transaction writing 10,000
rows runs its upkeep once. A rolled-back transaction runs nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db import connections, transaction


class _Batch:
    def __init__(self, flush: Callable[[set[str]], None]) -> None:
        self.flush = flush
        self.keys: set[str] = set()
        # Keys written since this transaction last recomputed them itself.
        self.unsettled: set[str] = set()

    def __call__(self) -> None:
        self.flush(self.keys)


_ATTRIBUTE = "_dashboard_app_batch"


def _open_batch(connection) -> _Batch | None:
    batch = getattr(connection, _ATTRIBUTE, None)
    # Reuse the batch only while Django still holds its callback: a savepoint
    # rollback drops callbacks registered inside it, and the end of the
    # transaction drops them all. (Keys added by a rolled-back savepoint to an
    # older batch only cause a spurious, harmless invalidation.)
    if batch is not None and any(entry[1] is batch for entry in connection.run_on_commit):
        return batch
    return None


def add_after_commit(using: str, keys: Iterable[str], flush: Callable[[set[str]], None]) -> None:
    """Call flush(keys) after the current transaction commits, once per transaction.

    Outside a transaction the write has already committed, so flush runs now.
    """
    keys = set(keys)
    if not keys:
        return
    connection = connections[using]
    if not connection.in_atomic_block:
        flush(keys)
        return
    batch = _open_batch(connection)
    if batch is None:
        batch = _Batch(flush)
        setattr(connection, _ATTRIBUTE, batch)
        transaction.on_commit(batch, using=using, robust=True)
    batch.keys |= keys
    batch.unsettled |= keys


def unsettled_keys(using: str) -> set[str]:
    """Keys the open transaction on this connection wrote and has not re-read since."""
    connection = connections[using]
    batch = _open_batch(connection) if connection.in_atomic_block else None
    return set(batch.unsettled) if batch else set()


def settle(using: str, keys: Iterable[str]) -> None:
    """The open transaction has stored fresh values for `keys` (still flushed at commit)."""
    connection = connections[using]
    batch = _open_batch(connection) if connection.in_atomic_block else None
    if batch:
        batch.unsettled -= set(keys)
