"""One LISTEN connection per worker: worker B's feed hears worker A's commits, not its own
twice; a killed connection is replaced and heard through again; while it cannot connect the
feed says it is not listening (so pages poll)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from handoff.store.changes import Topic
from handoff.store.changes.listener import APPLICATION_NAME, ChangeListener, listener_for
from handoff.store.db import Database
from tests.handoff.store.changes.writes import a_customer_writes, a_model_is_deployed

pytestmark = pytest.mark.postgres


def wait_for(condition: Callable[[], bool], what: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"not within {seconds} s: {what}"
        time.sleep(0.02)


@dataclass(frozen=True)
class Workers:
    a: Database  # writes
    b: Database  # listens


@pytest.fixture
def workers(postgres_url: str) -> Iterator[Workers]:
    a, b = Database(postgres_url), Database(postgres_url)
    listener = listener_for(b, retry_seconds=0.1, check_seconds=0.5)
    assert listener is not None
    listener.start()
    wait_for(lambda: b.changes.listening, "worker B's listener connects")
    yield Workers(a, b)
    listener.stop()
    a.dispose()
    b.dispose()


def test_a_case_written_through_worker_a_wakes_worker_b(workers: Workers) -> None:
    seen = workers.b.changes.version(Topic.FLOOR)
    a_customer_writes(workers.a)
    wait_for(lambda: workers.b.changes.version(Topic.FLOOR) > seen, "worker B hears it")


def test_worker_b_does_not_hear_its_own_commit_twice(workers: Workers) -> None:
    floor, model = (workers.b.changes.version(t) for t in (Topic.FLOOR, Topic.MODEL))
    a_customer_writes(workers.b)
    a_model_is_deployed(workers.a)  # its NOTIFY comes after B's own: once heard, B's was too
    wait_for(lambda: workers.b.changes.version(Topic.MODEL) > model, "worker B hears A")
    assert workers.b.changes.version(Topic.FLOOR) == floor + 1


def test_a_killed_listen_connection_is_replaced_and_the_feed_catches_up(
        workers: Workers) -> None:
    model = workers.b.changes.version(Topic.MODEL)
    with workers.a.engine.begin() as connection:
        killed = connection.execute(text(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE application_name = :name AND datname = current_database()"),
            {"name": APPLICATION_NAME}).scalar()
    assert killed == 1
    # Reconnected: everything is published once, for what nobody heard meanwhile.
    wait_for(lambda: workers.b.changes.version(Topic.MODEL) > model and
             workers.b.changes.listening, "the listener reconnects")
    seen = workers.b.changes.version(Topic.FLOOR)
    a_customer_writes(workers.a)
    wait_for(lambda: workers.b.changes.version(Topic.FLOOR) > seen, "worker B hears again")


def test_a_listener_that_cannot_connect_says_it_is_not_listening(
        postgres_url: str, caplog: pytest.LogCaptureFixture) -> None:
    db = Database(postgres_url)
    nowhere = make_url(postgres_url).set(database="no_such_database").render_as_string(
        hide_password=False)
    listener = ChangeListener(nowhere, db.changes, retry_seconds=0.1, check_seconds=0.5)
    with caplog.at_level(logging.WARNING, "handoff.store.changes.listener"):
        listener.start()
        try:
            wait_for(lambda: "lost its connection" in caplog.text, "the first attempt fails")
            assert db.changes.listening is False
        finally:
            listener.stop()
            db.dispose()
