"""SQLite really runs with WAL, IMMEDIATE transactions and a busy timeout."""

import io
import sqlite3

import pytest
from django.core.management import call_command
from django.db import connection

from dashboard_app.checks import sqlite_settings_problems

pytestmark = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite only")


def pragma(name: str):
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA {name}")
        return cursor.fetchone()[0]


def test_the_connection_uses_wal_and_waits_for_locks(db):
    assert pragma("journal_mode") == "wal"
    assert pragma("busy_timeout") == 20_000
    assert connection.transaction_mode == "IMMEDIATE"
    assert sqlite_settings_problems() == []


def test_the_database_check_passes(db):
    call_command("check", "--database", "default", stdout=io.StringIO())


def test_the_check_reports_a_database_not_in_wal_mode(transactional_db):
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode=DELETE")
    try:
        assert sqlite_settings_problems() == ["journal_mode is 'delete', expected 'wal'"]
    finally:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode=WAL")


def test_a_transaction_takes_the_write_lock_when_it_begins(transactional_db):
    from django.db import transaction

    other = sqlite3.connect(connection.settings_dict["NAME"], timeout=0, isolation_level=None)
    try:
        with transaction.atomic():
            connection.cursor().execute("SELECT 1")  # a read only; IMMEDIATE locks already
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
    finally:
        other.close()
