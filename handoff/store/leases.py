"""Leases for singleton jobs: a PostgreSQL session advisory lock per job name.

Every worker asks for every lease; PostgreSQL grants each to exactly one session. The locks
live on one dedicated connection per process, so they end with it: when a worker dies (even
``kill -9``) its connection closes, the locks are released, and the next worker that asks
gets them. On SQLite (one process by design) every lease is always held.
"""

from __future__ import annotations

import hashlib
import logging
import threading

from sqlalchemy import Connection, text

from handoff.store.db import Database

log = logging.getLogger(__name__)


def lease_key(name: str) -> int:
    """A stable signed 64-bit advisory-lock key for ``name`` (the same in every process)."""
    digest = hashlib.sha256(f"aftersales:{name}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


class Leases:
    """The leases this process holds; thread-safe (callers run it through to_thread)."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._lock = threading.Lock()
        self._connection: Connection | None = None
        self._held: set[str] = set()

    @property
    def shared(self) -> bool:
        """Whether leases are contended (PostgreSQL) rather than always held (SQLite)."""
        return self._db.dialect == "postgresql"

    def hold(self, name: str) -> bool:
        """Whether this process holds ``name`` now: taken if free, kept if already ours."""
        if not self.shared:
            return True
        with self._lock:
            try:
                return self._hold(name)
            except Exception as exc:  # the connection broke: every lease went with it
                log.warning("lease connection lost (%s): leases released", exc)
                self._drop()
                return False

    def _hold(self, name: str) -> bool:
        connection = self._connection or self._connect()
        if name in self._held:
            connection.execute(text("SELECT 1"))  # still connected means still locked
            return True
        taken = connection.execute(text("SELECT pg_try_advisory_lock(:key)"),
                                   {"key": lease_key(name)}).scalar()
        if taken:
            self._held.add(name)
        return bool(taken)

    def _connect(self) -> Connection:
        # Autocommit: the locks are session-level, and no transaction stays open for hours.
        self._connection = self._db.engine.connect().execution_options(
            isolation_level="AUTOCOMMIT")
        return self._connection

    def release_all(self) -> None:
        with self._lock:
            self._drop()

    def _drop(self) -> None:
        self._held.clear()
        if self._connection is not None:
            try:
                # Invalidate, not close: a pooled connection would go back to the pool with
                # its locks; a closed PostgreSQL session releases them.
                self._connection.invalidate()
                self._connection.close()
            except Exception:
                log.debug("closing the lease connection failed", exc_info=True)
            self._connection = None
