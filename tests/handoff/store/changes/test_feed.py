"""The feed wakes whoever waits on a topic when it moves, from any thread; a waiter sleeps
through other topics; SQLite's feed always hears everything, PostgreSQL's only while listening."""

from __future__ import annotations

import asyncio
import threading

from handoff.store.changes import ChangeFeed, Topic


async def _settle() -> None:
    """Let every callback already scheduled on the loop run (no clock involved)."""
    for _ in range(20):
        await asyncio.sleep(0)


async def test_a_page_waiting_on_the_floor_wakes_when_another_thread_commits() -> None:
    feed = ChangeFeed(shared=False)
    waiting = asyncio.ensure_future(feed.wait(Topic.FLOOR, 0, 3600))
    await _settle()
    committer = threading.Thread(target=feed.publish, args=((Topic.FLOOR,),))
    committer.start()
    committer.join()
    assert await asyncio.wait_for(waiting, 30) == 1


async def test_a_page_waiting_on_the_floor_sleeps_through_a_model_deployment() -> None:
    feed = ChangeFeed(shared=False)
    waiting = asyncio.ensure_future(feed.wait(Topic.FLOOR, 0, 3600))
    await _settle()
    feed.publish((Topic.MODEL,))
    await _settle()
    assert not waiting.done()
    feed.publish((Topic.FLOOR,))
    assert await asyncio.wait_for(waiting, 30) == 1


async def test_a_change_the_waiter_has_not_seen_yet_returns_at_once() -> None:
    feed = ChangeFeed(shared=False)
    feed.publish((Topic.FLOOR,))  # committed while the page was busy sending the last one
    assert await asyncio.wait_for(feed.wait(Topic.FLOOR, 0, 3600), 30) == 1


async def test_shutting_down_ends_the_wait() -> None:
    feed, stopping = ChangeFeed(shared=False), asyncio.Event()
    waiting = asyncio.ensure_future(feed.wait(Topic.FLOOR, 0, 3600, stopping))
    await _settle()
    stopping.set()
    assert await asyncio.wait_for(waiting, 30) == 0


def test_sqlite_hears_every_commit_and_postgres_only_while_its_listener_is_up() -> None:
    sqlite, postgres = ChangeFeed(shared=False), ChangeFeed(shared=True)
    sqlite.set_listening(False)
    assert sqlite.listening is True  # one process: every commit passes through it
    assert postgres.listening is False  # until the LISTEN connection is up
    postgres.set_listening(True)
    assert postgres.listening is True
