"""The LISTEN side on PostgreSQL: one connection per worker process, in a thread of its own,
hears the other processes' commits and publishes them to this process's feed.

A dropped connection is retried with a doubling wait; while it is down the feed says it is not
listening, and its waiters poll instead of going silent. After every (re)connect all topics are
published once: whatever was committed while nobody listened is read again.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import TYPE_CHECKING, Any

import psycopg
from sqlalchemy.engine import make_url

from handoff.store.changes.feed import ChangeFeed, Topic
from handoff.store.changes.marks import CHANNEL

if TYPE_CHECKING:
    from handoff.store.db import Database

log = logging.getLogger(__name__)
APPLICATION_NAME = "aftersales-changes"  # how the listening sessions show in pg_stat_activity
_STOP_WAIT_SECONDS = 0.5  # the notification wait is cut into slices this long, to see stop()


class ChangeListener:
    """LISTENs on ``CHANNEL`` and publishes to ``feed``; ``start`` and ``stop`` once each."""

    def __init__(self, url: str, feed: ChangeFeed, *, retry_seconds: float,
                 check_seconds: float) -> None:
        self._conninfo = make_url(url).set(drivername="postgresql").render_as_string(
            hide_password=False)
        self._feed, self._retry, self._check = feed, retry_seconds, check_seconds
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="change-listener", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        # Bounded: a connect attempt may hang up to its timeout; the thread is a daemon and
        # ends itself once the attempt returns.
        self._thread.join(timeout=4 * _STOP_WAIT_SECONDS)
        self._feed.set_listening(False)

    def _run(self) -> None:
        delay = self._retry
        while not self._stopping.is_set():
            try:
                with psycopg.connect(self._conninfo, autocommit=True, connect_timeout=10,
                                     application_name=APPLICATION_NAME) as connection:
                    connection.execute(f"LISTEN {CHANNEL}")
                    self._feed.publish(Topic)  # first: listening means caught up
                    self._feed.set_listening(True)
                    delay = self._retry
                    self._listen(connection)
            except psycopg.Error as exc:
                log.warning("change listener lost its connection (%s); retrying in %.1f s",
                            type(exc).__name__, delay)
            except Exception:  # never end the thread: the feed would stay deaf for good
                log.exception("change listener failed; retrying in %.1f s", delay)
            finally:
                self._feed.set_listening(False)
            if self._stopping.wait(delay):
                return
            delay = min(delay * 2, max(self._check, self._retry))

    def _listen(self, connection: psycopg.Connection[Any]) -> None:
        checked = time.monotonic()
        while not self._stopping.is_set():
            for note in connection.notifies(timeout=_STOP_WAIT_SECONDS):
                self._heard(note.payload)
            if time.monotonic() - checked >= self._check:
                connection.execute("SELECT 1")  # a silently dropped connection fails here
                checked = time.monotonic()

    def _heard(self, payload: str) -> None:
        name, _, origin = payload.partition(" ")
        if origin == self._feed.origin:
            return  # this process's own commit: published when it committed
        try:
            topic = Topic(name)
        except ValueError:
            return  # a topic of another release of the product: nothing here waits on it
        self._feed.publish((topic,))


def listener_for(db: Database, *, retry_seconds: float,
                 check_seconds: float) -> ChangeListener | None:
    """The listener for ``db``'s feed; None on SQLite (one process: commits reach it here)."""
    if not db.changes.shared:
        return None
    return ChangeListener(db.url, db.changes, retry_seconds=retry_seconds,
                          check_seconds=check_seconds)
