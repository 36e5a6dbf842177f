"""The session factory: write sessions queue, read sessions never wait for a writer and never
write."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from handoff.store.db import Database
from handoff.store.models import Queue


def test_a_poll_reads_while_a_turn_holds_the_write_lock(db: Database) -> None:
    writing, read_done = threading.Event(), threading.Event()

    def turn() -> None:
        with db.session() as session:
            session.add(Queue(name="held", tier="L2"))
            session.flush()  # the write lock is taken: SQLite's BEGIN IMMEDIATE, PG's row
            writing.set()
            assert read_done.wait(10), "the read waited for the writer"

    with ThreadPoolExecutor(1) as pool:
        pending = pool.submit(turn)
        assert writing.wait(10)
        with db.read_session() as session:  # answered while the turn still holds the lock
            names = set(session.scalars(select(Queue.name)))
        read_done.set()
        pending.result()
    assert "held" not in names  # the turn had not committed when the poll read


def test_a_read_session_refuses_to_write(db: Database) -> None:
    with pytest.raises(RuntimeError, match="read session"), db.read_session() as session:
        session.add(Queue(name="never", tier="L2"))
        session.flush()
    with db.read_session() as session:
        assert session.scalar(select(func.count()).where(Queue.name == "never")) == 0


def test_writers_of_one_process_take_turns_and_all_commit(db: Database) -> None:
    def write(n: int) -> None:
        with db.session() as session:
            session.add(Queue(name=f"w-{n}", tier="L2"))

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(write, range(40)))
    with db.read_session() as session:
        assert session.scalar(select(func.count()).where(Queue.name.like("w-%"))) == 40


def test_the_outbox_lease_goes_before_turns_already_queued_for_the_writer(
        sqlite_db: Database) -> None:
    order: list[str] = []
    holding, go = threading.Event(), threading.Event()

    def turn_in_progress() -> None:
        with sqlite_db.session():
            holding.set()
            assert go.wait(10)

    def write(name: str, urgent: bool = False) -> None:
        with sqlite_db.session(urgent=urgent):
            order.append(name)

    with ThreadPoolExecutor(4) as pool:
        running = pool.submit(turn_in_progress)
        assert holding.wait(10)
        queued = [pool.submit(write, "turn 1"), pool.submit(write, "turn 2")]
        time.sleep(0.2)  # both turns wait for the writer
        queued.append(pool.submit(write, "outbox lease", True))
        time.sleep(0.2)
        go.set()
        for future in [running, *queued]:
            future.result()
    assert order[0] == "outbox lease"
