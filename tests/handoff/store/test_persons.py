"""One person's turns through two conversations run one after the other, never interleaved."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

from handoff.store.db import Database
from handoff.store.persons import lock_persons


def test_a_second_turn_of_the_same_person_waits_for_the_first_to_commit(db: Database) -> None:
    order: list[str] = []
    first_holds, first_may_end = threading.Event(), threading.Event()

    def first() -> None:
        with db.session() as session:
            lock_persons(session, "p-1")
            order.append("first locked")
            first_holds.set()
            assert first_may_end.wait(10)
            order.append("first commits")

    def second() -> None:
        assert first_holds.wait(10)
        with db.session() as session:  # SQLite: queues on the writer; PostgreSQL: on the person
            lock_persons(session, "p-1")
            order.append("second locked")

    with ThreadPoolExecutor(2) as pool:
        done = [pool.submit(first), pool.submit(second)]
        assert first_holds.wait(10)
        time.sleep(0.3)  # room for the second to (wrongly) get in
        first_may_end.set()
        for future in done:
            future.result()
    assert order == ["first locked", "first commits", "second locked"]

