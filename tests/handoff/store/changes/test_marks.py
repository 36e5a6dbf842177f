"""A transaction that writes the floor tells this process once it commits (once, however many
flushes); a rolled-back one tells nobody; other writes wake no live page; a model deployment is
its own topic. On PostgreSQL the other processes hear one NOTIFY per topic and transaction,
carrying the topic and the sender's tag, nothing about the customer."""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest
from sqlalchemy import update
from sqlalchemy.engine import make_url

from handoff.store.changes import CHANNEL, Topic
from handoff.store.db import Database
from handoff.store.models import Message
from tests.handoff.store.changes.writes import (
    a_customer_signs_up,
    a_customer_writes,
    a_model_is_deployed,
    customer_says,
)


def test_a_customers_message_moves_the_floor_once_when_it_commits(db: Database) -> None:
    a_customer_writes(db)  # a customer, a conversation, a message: three flushes, one commit
    assert db.changes.version(Topic.FLOOR) == 1
    assert db.changes.version(Topic.MODEL) == 0


def test_a_rolled_back_turn_moves_nothing(db: Database) -> None:
    with pytest.raises(RuntimeError), db.session() as session:
        customer_says(session)
        raise RuntimeError("the turn failed after storing the message")
    assert db.changes.version(Topic.FLOOR) == 0
    a_customer_writes(db)  # the same session factory, a fresh transaction: told again
    assert db.changes.version(Topic.FLOOR) == 1


def test_a_session_kept_across_transactions_forgets_what_it_rolled_back(db: Database) -> None:
    session = db.new_session()
    try:
        customer_says(session)
        session.rollback()
        session.commit()  # nothing written in this one
    finally:
        session.close()
    assert db.changes.version(Topic.FLOOR) == 0


def test_a_write_inside_a_savepoint_is_told_at_the_outer_commit(db: Database) -> None:
    with db.session() as session:
        with session.begin_nested():
            customer_says(session)
        assert db.changes.version(Topic.FLOOR) == 0  # not committed yet
    assert db.changes.version(Topic.FLOOR) == 1


def test_a_bulk_update_of_messages_moves_the_floor(db: Database) -> None:
    with db.session() as session:
        conversation_id = customer_says(session).conversation_id
    with db.session() as session:
        session.execute(update(Message).where(Message.conversation_id == conversation_id)
                        .values(text="[erased]").execution_options(synchronize_session=False))
    assert db.changes.version(Topic.FLOOR) == 2


def test_a_new_customer_record_alone_wakes_no_live_page(db: Database) -> None:
    a_customer_signs_up(db)
    assert db.changes.version(Topic.FLOOR) == 0


def test_a_model_deployment_moves_the_model_topic_only(db: Database) -> None:
    a_model_is_deployed(db)
    assert db.changes.version(Topic.MODEL) == 1
    assert db.changes.version(Topic.FLOOR) == 0


@pytest.fixture
def another_process(postgres_url: str) -> Iterator[psycopg.Connection[tuple[object, ...]]]:
    """A plain LISTEN connection, as another worker has."""
    conninfo = make_url(postgres_url).set(drivername="postgresql").render_as_string(
        hide_password=False)
    with psycopg.connect(conninfo, autocommit=True) as connection:
        connection.execute(f"LISTEN {CHANNEL}")
        yield connection


@pytest.mark.postgres
def test_another_worker_hears_one_notify_per_topic_per_commit_and_no_customer_data(
        postgres_url: str, another_process: psycopg.Connection[tuple[object, ...]]) -> None:
    db = Database(postgres_url)
    try:
        a_customer_writes(db)
        with pytest.raises(RuntimeError), db.session() as session:
            customer_says(session, "my phone is 13800138000")
            raise RuntimeError("rolled back")
        a_customer_signs_up(db)
        a_model_is_deployed(db)  # notifications arrive in commit order: this one ends the list
        heard = []
        for note in another_process.notifies(timeout=60):
            heard.append(note.payload)
            if note.payload.startswith(Topic.MODEL):
                break
    finally:
        db.dispose()
    assert heard == [f"floor {db.changes.origin}", f"model {db.changes.origin}"]
