"""A write started while another transaction holds what it needs (PostgreSQL): for tests that
two writers taking the same locks wait for each other in turn rather than deadlock."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import psycopg
from django.db import connections

from dashboard_app.tests.test_rollup_triggers import other_connection

Step = Callable[[psycopg.Connection], object]
WAITING_FOR_A_LOCK = "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND pid <> %s"


def write_between(first: Step, write: Callable[[], object], then: Step) -> list[Exception]:
    """Another transaction runs `first`; `write` starts in a thread; once the write waits for a
    lock, the other transaction runs `then` (where a deadlock would be detected) and commits.
    Returns the write's errors."""
    errors: list[Exception] = []

    def writer() -> None:
        try:
            write()
        except Exception as error:  # kept for the assertion, not swallowed
            errors.append(error)
        finally:
            connections.close_all()

    other = other_connection()
    thread = threading.Thread(target=writer)
    try:
        first(other)
        thread.start()
        with other_connection() as observer:
            observer.autocommit = True  # else pg_stat_activity is read once per transaction
            deadline = time.monotonic() + 10
            while observer.execute(WAITING_FOR_A_LOCK, [other.info.backend_pid]).fetchone()[0] == 0:
                assert time.monotonic() < deadline, "the write never waited for the other transaction"
                time.sleep(0.02)
        then(other)
        other.commit()
    finally:
        other.close()
        thread.join(15)
    assert not thread.is_alive()
    return errors
