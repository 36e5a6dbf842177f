"""The load: N simulated web chat customers over HTTP, each playing scripts from the mix one
after another (a new conversation each), and the bench's agent on the REST API taking over the
conversations that end in a handoff. Every customer message is one timed turn."""

from __future__ import annotations

import asyncio
import io
import json
import time
import uuid
from dataclasses import dataclass, field, replace
from typing import Any

import aiohttp
from PIL import Image

from bot.bench.buyers import Buyers
from bot.bench.customers import Script, Turn, mix
from bot.bench.servers import SUPERVISOR
from bot.channels.webchat.token import HEADER


@dataclass
class Tally:
    """What the load measured: turn latencies (seconds), errors, agent calls, and when each
    agent reply's API call returned (wall clock, by message id: its outbox delay starts there)."""

    turns: list[float] = field(default_factory=list)
    agent_calls: list[float] = field(default_factory=list)
    replied: dict[int, float] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    handoffs: int = 0

    def error(self, kind: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1


def _photo() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "orange").save(buffer, format="PNG")
    return buffer.getvalue()


PHOTO = _photo()


@dataclass
class Conversation:
    """One simulated customer's conversation: its user id and token."""

    urls: tuple[str, ...]
    user_id: str
    token: str | None = None
    view: dict[str, Any] = field(default_factory=dict)


async def send(client: aiohttp.ClientSession, chat: Conversation, turn: Turn,
               tally: Tally) -> None:
    """One timed turn; a failure is counted, never raised (the load goes on)."""
    headers = {HEADER: chat.token} if chat.token else {}
    fields = {"user_id": chat.user_id, "text": turn.text, "message_id": uuid.uuid4().hex}
    url = chat.urls[hash(chat.user_id) % len(chat.urls)] + "/webchat/api/messages"
    started = time.perf_counter()
    try:
        async with client.post(url, headers=headers, **_body(fields, turn)) as answer:
            body = await answer.json(content_type=None)
            if answer.status != 200:
                tally.error(f"HTTP {answer.status} {str(body.get('error', ''))[:60]}".strip())
                return
    except (TimeoutError, aiohttp.ClientError) as exc:
        tally.error(type(exc).__name__)
        return
    tally.turns.append(time.perf_counter() - started)
    chat.token = body.get("token") or chat.token
    chat.view = body.get("conversation") or {}


def _body(fields: dict[str, str], turn: Turn) -> dict[str, Any]:
    if not turn.photo:
        return {"json": fields}
    form = aiohttp.FormData(fields)
    form.add_field("photo", PHOTO, filename="photo.png", content_type="image/png")
    return {"data": form}


class Agent:
    """The bench's agent: replies to a handed-off case, then resolves it (REST API)."""

    def __init__(self, client: aiohttp.ClientSession, urls: tuple[str, ...], token: str,
                 tally: Tally) -> None:
        self._client, self._urls, self._tally = client, urls, tally
        self.name = SUPERVISOR
        self._headers = {"Authorization": f"Bearer {token}"}

    async def call(self, number: str, action: str, fields: dict[str, Any] | None = None) -> None:
        url = f"{self._urls[hash(number) % len(self._urls)]}/api/cases/{number}/{action}"
        started = time.perf_counter()
        try:
            async with self._client.post(url, json=fields or {}, headers=self._headers) as answer:
                body = await answer.read()
                returned = time.time()
                if answer.status != 200:
                    self._tally.error(f"agent {action} HTTP {answer.status}")
                    return
        except (TimeoutError, aiohttp.ClientError) as exc:
            self._tally.error(f"agent {type(exc).__name__}")
            return
        self._tally.agent_calls.append(time.perf_counter() - started)
        if action == "messages":
            self._tally.replied[int(json.loads(body)["message_id"])] = returned


async def customer(index: int, scripts: tuple[Script, ...], messages: int,
                   client: aiohttp.ClientSession, urls: tuple[str, ...], agent: Agent,
                   tally: Tally, buyers: Buyers) -> None:
    """Play scripts until ``messages`` turns were sent; each conversation is its own buyer."""
    sent = 0
    for number, script in enumerate(mix(scripts, seed=index)):
        chat = Conversation(urls, f"bench-{uuid.uuid4().hex[:8]}-{index}-{number}")
        buyer = index * messages + number  # below customers x messages: copies exist
        for turn in script.turns:
            if sent >= messages:
                return
            await send(client, chat, replace(turn, text=buyers.text(turn.text, buyer)), tally)
            sent += 1
        case = chat.view.get("case_number")
        if script.agent and case:
            tally.handoffs += 1
            # The case may be auto-assigned to another agent: the supervisor takes it first.
            await agent.call(case, "assign", {"agent": agent.name})
            await agent.call(case, "messages", {"text": "Hello, this is Sam, I'm on it."})
            for turn in script.after_agent[:max(0, messages - sent)]:
                await send(client, chat, turn, tally)
                sent += 1
            await agent.call(case, "resolve")
        if sent >= messages:
            return


async def drive(urls: tuple[str, ...], token: str, scripts: tuple[Script, ...],
                customers: int, messages: int, buyers: Buyers) -> tuple[Tally, float]:
    """Run every customer at once; the tally and the wall-clock seconds it took."""
    tally = Tally()
    connector = aiohttp.TCPConnector(limit=0)
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as client:
        agent = Agent(client, urls, token, tally)
        started = time.perf_counter()
        await asyncio.gather(*(customer(i, scripts, messages, client, urls, agent, tally,
                                        buyers) for i in range(customers)))
        return tally, time.perf_counter() - started
