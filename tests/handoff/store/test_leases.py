"""Singleton-job leases: PostgreSQL grants each to one worker; a dead worker's lease passes on;
SQLite (one process) always holds them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import text

from handoff.store.db import Database
from handoff.store.leases import Leases, lease_key

pytestmark = pytest.mark.postgres


@pytest.fixture
def two_workers(postgres_url: str) -> Iterator[tuple[Leases, Leases, Database]]:
    first, second = Database(postgres_url), Database(postgres_url)
    a, b = Leases(first), Leases(second)
    yield a, b, first
    a.release_all()
    b.release_all()
    first.dispose()
    second.dispose()


def test_only_one_worker_runs_the_sweeper(two_workers: tuple[Leases, Leases, Database]) -> None:
    a, b, _ = two_workers
    assert a.hold("sweeper") is True
    assert b.hold("sweeper") is False
    assert a.hold("sweeper") is True  # asked again: kept, not taken twice
    assert b.hold("telegram") is True  # another job may go to the other worker


def test_a_killed_workers_lease_passes_to_the_next_that_asks(
        two_workers: tuple[Leases, Leases, Database]) -> None:
    a, b, database = two_workers
    assert a.hold("sweeper")
    # kill -9 of the holder, as PostgreSQL sees it: its session ends.
    with database.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as admin:
        admin.execute(text(
            "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' "
            "AND ((classid::bigint << 32) | objid::bigint) = :key"),
            {"key": lease_key("sweeper")})
    assert b.hold("sweeper") is True
    assert a.hold("sweeper") is False  # the old holder learns it lost the lease


def test_a_worker_that_stops_hands_its_leases_back(
        two_workers: tuple[Leases, Leases, Database]) -> None:
    a, b, _ = two_workers
    assert a.hold("sweeper")
    a.release_all()
    assert b.hold("sweeper") is True


def test_sqlite_is_one_process_and_always_holds_every_lease(sqlite_db: Database) -> None:
    assert Leases(sqlite_db).hold("sweeper") and Leases(sqlite_db).hold("sweeper")
