"""Two real ``aftersales serve`` workers on one PostgreSQL database, for the multi-process
tests: web chat customers, the demo supervisor on the REST API, a supervisor's console session
and its live stream, plain HTTP on loopback."""

from __future__ import annotations

import json
import re
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import requests
from sqlalchemy import func, select, text

from bot.bench.servers import ServerGroup
from handoff.store.db import Database
from handoff.store.leases import lease_key
from handoff.store.models import Conversation, Customer, Direction, Message

FAST = {"AFTERSALES_SWEEP_INTERVAL_SECONDS": "0.3", "AFTERSALES_LEASE_RETRY_SECONDS": "0.5",
        "AFTERSALES_MODEL_FOLLOW_SECONDS": "0.5"}
# Polling out of reach: only the change feed (NOTIFY) carries a change from worker to worker.
NO_POLLING = {"AFTERSALES_CONSOLE_LIVE_POLL_SECONDS": "3600",
              "AFTERSALES_CHANGE_FEED_CHECK_SECONDS": "3600",
              "AFTERSALES_MODEL_FOLLOW_SECONDS": "3600"}


def trained_at(worker: ServerGroup) -> str:
    """The model the worker serves, as its /readyz names it."""
    return str(requests.get(f"{worker.url}/readyz", timeout=10).json()["model"]["trained_at"])


@dataclass
class WebCustomer:
    """One web chat customer: their user id, token, and the message ids they sent."""

    user_id: str = field(default_factory=lambda: f"c-{uuid.uuid4().hex[:10]}")
    token: str | None = None
    sent: list[str] = field(default_factory=list)

    def say(self, worker: ServerGroup, text_: str, message_id: str | None = None,
            ) -> dict[str, Any]:
        message_id = message_id or uuid.uuid4().hex
        headers = {"X-Webchat-Token": self.token} if self.token else {}
        answer = requests.post(f"{worker.url}/webchat/api/messages", timeout=30, headers=headers,
                               json={"user_id": self.user_id, "text": text_,
                                     "message_id": message_id})
        answer.raise_for_status()
        body: dict[str, Any] = answer.json()
        self.token = body["token"] or self.token
        if message_id not in self.sent:
            self.sent.append(message_id)
        return body


def agent_call(worker: ServerGroup, token: str, number: str, action: str,
               body: dict[str, Any] | None = None) -> int:
    answer = requests.post(f"{worker.url}/api/cases/{number}/{action}", json=body or {},
                           headers={"Authorization": f"Bearer {token}"}, timeout=30)
    return answer.status_code


def console_session(worker: ServerGroup, name: str, password: str) -> requests.Session:
    """A browser-like session signed in to the console of ``worker``."""
    http = requests.Session()
    page = http.get(f"{worker.url}/console/signin", timeout=30)
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found, "the sign-in page has no CSRF field"
    answer = http.post(f"{worker.url}/console/signin", allow_redirects=False, timeout=30,
                       data={"name": name, "password": password, "csrf_token": found.group(1)})
    assert answer.status_code == 303, answer.text
    return http


def live_events(stream: requests.Response) -> Iterator[dict[str, Any]]:
    """The ``change`` events of an open ``/console/live`` stream, as their data."""
    for line in stream.iter_lines(chunk_size=1, decode_unicode=True):
        if line and line.startswith("data: "):
            data: dict[str, Any] = json.loads(line.removeprefix("data: "))
            yield data


def wait_for(condition: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {seconds} s: {what}")
        time.sleep(0.1)


def lease_holders(db: Database, name: str) -> int:
    with db.engine.connect() as connection:
        return int(connection.execute(text(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
            "AND ((classid::bigint << 32) | objid::bigint) = :key"),
            {"key": lease_key(name)}).scalar() or 0)


def conversation_of(db: Database, user_id: str) -> Conversation:
    with db.session() as session:
        found = session.scalar(select(Conversation).join(
            Customer, Customer.id == Conversation.customer_id).where(
            Customer.external_id == user_id))
        assert found is not None
        return found


def flow_started_long_ago(db: Database, user_id: str, minutes: int) -> None:
    """Move the start of the customer's L1 flow back in time (as if they went silent)."""
    with db.session() as session:
        conversation = session.scalar(select(Conversation).join(
            Customer, Customer.id == Conversation.customer_id).where(
            Customer.external_id == user_id).with_for_update())
        assert conversation is not None and conversation.state.get("flow")
        state = dict(conversation.state)
        started = conversation.updated_at - timedelta(minutes=minutes)
        state["flow_started_at"] = started.isoformat()
        conversation.state = state


def outbound_texts(db: Database, user_id: str) -> list[str]:
    conversation = conversation_of(db, user_id)
    with db.session() as session:
        return list(session.scalars(select(Message.text).where(
            Message.conversation_id == conversation.id,
            Message.direction == Direction.OUTBOUND).order_by(Message.id)))


def inbound_count(db: Database, user_id: str) -> int:
    conversation = conversation_of(db, user_id)
    with db.session() as session:
        return int(session.scalar(select(func.count()).select_from(Message).where(
            Message.conversation_id == conversation.id,
            Message.direction == Direction.INBOUND)) or 0)
