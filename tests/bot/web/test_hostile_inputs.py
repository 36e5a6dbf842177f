"""Every hostile input against every public endpoint, on both engines: never a 500, a JSON
``{"error"}`` from the JSON endpoints, and nothing stored when a request is refused.

One product per engine (module scope) with every channel on: the web chat, LINE (signed
bodies, replies to the local Messaging API stand-in), Telegram in webhook mode (setWebhook on
the local Bot API stand-in), the agent API with a supervisor's token and a real case, the NLU
API and the console's sign-in form.
"""

from __future__ import annotations

import json
import shutil
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import pytest_asyncio
from sqlalchemy import func, select

from bot.channels.line.setup import LINE
from bot.channels.line.signature import sign
from bot.model_holder import ModelHolder
from bot.runtime import Runtime, build_runtime
from bot.web.app import create_app
from handoff.agents.auth import add_agent
from handoff.config.paths import default_training_data_dir
from handoff.config.settings import Settings
from handoff.config.tables import load_queues, sync_queues
from handoff.store.clock import ManualClock
from handoff.store.db import Database
from handoff.store.models import (
    Case,
    CaseEvent,
    ChannelInboxEntry,
    Contact,
    Conversation,
    Customer,
    Evidence,
    Message,
    OutboxMessage,
    ProcessedEvent,
)
from handoff.store.models.enums import AgentRole
from tests.bot.channels.line_events import text_event
from tests.bot.channels.local_bot_api import LocalBotApi
from tests.bot.channels.local_line_api import LocalLineApi
from tests.bot.channels.loopback import serving
from tests.bot.channels.tg_emulator import free_port
from tests.bot.conftest import image_bytes
from tests.bot.web.hostile import INPUTS, Hostile, RawRequest, send
from tests.conftest import ENGINES, START, _clean_postgres

pytestmark = pytest.mark.asyncio(loop_scope="module")

LINE_SECRET = "8c5b1d0e4f3a2b1c9d8e7f6a5b4c3d2e"
TG_SECRET = "webhook-Secret_0123456789"
TG_PATH = "/telegram/webhook"
STORED = (Message, Conversation, Customer, ChannelInboxEntry, OutboxMessage, Case, CaseEvent,
          Evidence, ProcessedEvent, Contact)


@dataclass
class Product:
    url: str
    runtime: Runtime
    app_line: Any
    webchat_user: str
    webchat_token: str
    agent_token: str
    case_number: str

    def stored(self) -> dict[str, int]:
        with self.runtime.db.session() as session:
            return {t.__tablename__: session.scalar(select(func.count()).select_from(t)) or 0
                    for t in STORED}

    def troubled_inbox_rows(self) -> list[str]:
        with self.runtime.db.session() as session:
            return list(session.scalars(select(ChannelInboxEntry.last_error).where(
                ChannelInboxEntry.failures > 0)))


# -- endpoints: each turns a Hostile into a request of its own shape ------------------------------

def _text_bytes(value: Any) -> bytes:
    return value.encode("utf-8", "surrogatepass") if isinstance(value, str) else \
        json.dumps(value).encode()


def _json_body(h: Hostile, document: dict[str, Any]) -> tuple[bytes, bytes]:
    if h.body is not None:
        return h.body, (h.content_type or "application/json").encode()
    if h.events is not None:
        document = {"events": h.events}
    return json.dumps(document).encode(), (h.content_type or "application/json").encode()


def _query(path: str, h: Hostile) -> str:
    if not h.query:
        return path
    return path + ("&" if "?" in path else "?") + h.query


def webchat_post(p: Product, h: Hostile) -> RawRequest:
    message_id = "m" * 1000 if h.long_id else uuid.uuid4().hex
    body, ctype = _json_body(h, {"user_id": f"hostile-{uuid.uuid4().hex}", "text": h.text,
                                 "message_id": message_id})
    headers = [(b"Content-Type", ctype)]
    if h.secret is not None:
        headers.append((b"X-Webchat-Token", h.secret))
    return RawRequest("POST", _query("/webchat/api/messages", h), headers, body)


def webchat_post_known(p: Product, h: Hostile) -> RawRequest:
    """The seed customer's next message (a conversation that exists: the token is needed)."""
    message_id = "m" * 1000 if h.long_id else uuid.uuid4().hex
    body, ctype = _json_body(h, {"user_id": p.webchat_user, "text": h.text,
                                 "message_id": message_id})
    token = h.secret if h.secret is not None else p.webchat_token.encode()
    return RawRequest("POST", _query("/webchat/api/messages", h),
                      [(b"Content-Type", ctype), (b"X-Webchat-Token", token)], body)


def webchat_multipart(p: Product, h: Hostile) -> RawRequest:
    if h.body is not None:
        return RawRequest("POST", _query("/webchat/api/messages", h),
                          [(b"Content-Type", (h.content_type or "multipart/form-data").encode())],
                          h.body)
    boundary = "b0undary" + uuid.uuid4().hex
    fields = [("user_id", f"hostile-mp-{uuid.uuid4().hex}".encode()),
              ("message_id", b"m" * 1000 if h.long_id else uuid.uuid4().hex.encode()),
              ("text", _text_bytes(h.text))]
    if h.secret is not None:
        fields.append(("token", h.secret))
    body = b"".join(f'--{boundary}\r\nContent-Disposition: form-data; name="{n}"\r\n\r\n'
                    .encode() + v + b"\r\n" for n, v in fields)
    body += (f'--{boundary}\r\nContent-Disposition: form-data; name="photo"; '
             'filename="p.png"\r\nContent-Type: image/png\r\n\r\n').encode()
    body += image_bytes() + f"\r\n--{boundary}--\r\n".encode()
    return RawRequest("POST", _query("/webchat/api/messages", h),
                      [(b"Content-Type", f"multipart/form-data; boundary={boundary}".encode())],
                      body)


def webchat_get(p: Product, h: Hostile) -> RawRequest:
    user = quote(_text_bytes(h.text)) if h.text != "你好" else p.webchat_user
    if h.long_id:
        user = "u" * 1000
    token = h.secret if h.secret is not None else p.webchat_token.encode()
    return RawRequest("GET", _query(f"/webchat/api/messages?user_id={user}&after=0", h),
                      [(b"X-Webchat-Token", token)], h.body or b"")


def model_parse(p: Product, h: Hostile) -> RawRequest:
    body, ctype = _json_body(h, {"text": h.text})
    return RawRequest("POST", _query("/model/parse", h), [(b"Content-Type", ctype)], body)


def line_webhook(p: Product, h: Hostile) -> RawRequest:
    event = text_event("你好")
    event["message"]["text"] = h.text
    if h.long_id:
        event["webhookEventId"] = "E" * 1000
    document = {"destination": "Ubotdestination0000000000000000000", "events": [event]}
    body, ctype = _json_body(h, document)
    if h.body is None and h.events is not None:
        body = json.dumps({"destination": document["destination"], "events": h.events}).encode()
    signature = h.secret if h.secret is not None else sign(LINE_SECRET, body).encode()
    return RawRequest("POST", _query("/line/webhook", h),
                      [(b"Content-Type", ctype), (b"X-Line-Signature", signature)], body)


def telegram_webhook(p: Product, h: Hostile) -> RawRequest:
    update_id = 10**30 if h.long_id else int(uuid.uuid4().int % 10**9)
    user = {"id": 4242, "is_bot": False, "first_name": "Lin"}
    document = {"update_id": update_id, "message": {
        "message_id": update_id % 10**9, "date": 1_700_000_000, "text": h.text, "from": user,
        "chat": {"id": 4242, "type": "private", "first_name": "Lin"}}}
    body, ctype = _json_body(h, document)
    secret = h.secret if h.secret is not None else TG_SECRET.encode()
    return RawRequest("POST", _query(TG_PATH, h),
                      [(b"Content-Type", ctype), (b"X-Telegram-Bot-Api-Secret-Token", secret)],
                      body)


def _bearer(p: Product, h: Hostile) -> tuple[bytes, bytes]:
    return b"Authorization", b"Bearer " + (h.secret if h.secret is not None
                                           else p.agent_token.encode())


def agent_reply(p: Product, h: Hostile) -> RawRequest:
    number = "9" * 1000 if h.long_id else p.case_number
    body, ctype = _json_body(h, {"text": h.text})
    return RawRequest("POST", _query(f"/api/cases/{number}/messages", h),
                      [(b"Content-Type", ctype), _bearer(p, h)], body)


def agent_list(p: Product, h: Hostile) -> RawRequest:
    queue = quote(_text_bytes(h.text))
    return RawRequest("GET", _query(f"/api/cases?queue={queue}", h), [_bearer(p, h)],
                      h.body or b"")


def agent_report(p: Product, h: Hostile) -> RawRequest:
    since = quote(_text_bytes(h.text))
    return RawRequest("GET", _query(f"/api/reports?since={since}", h), [_bearer(p, h)])


def console_signin(p: Product, h: Hostile) -> RawRequest:
    if h.body is not None:
        body, ctype = h.body, (h.content_type or "application/x-www-form-urlencoded").encode()
    else:
        body = b"name=" + quote(_text_bytes(h.text)).encode() + b"&password=x"
        ctype = b"application/x-www-form-urlencoded"
    return RawRequest("POST", _query("/console/signin", h), [(b"Content-Type", ctype)], body)


Build = Callable[[Product, Hostile], RawRequest]
# (endpoint, answers JSON errors)
ENDPOINTS: tuple[tuple[Build, bool], ...] = (
    (webchat_post, True), (webchat_post_known, True), (webchat_multipart, True),
    (webchat_get, True), (model_parse, True), (line_webhook, False), (telegram_webhook, False),
    (agent_reply, True), (agent_list, True), (agent_report, True), (console_signin, False),
)


# -- the product, once per engine --------------------------------------------------------------

def _database(engine: str, tmp: Path, request: pytest.FixtureRequest) -> Database:
    if engine == "sqlite":
        path = tmp / "store.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        database = Database(f"sqlite:///{path}")
    else:
        database = Database(request.getfixturevalue("postgres_url"))
        _clean_postgres(database)
    with database.session() as session:
        sync_queues(session, load_queues(default_training_data_dir() / "handoff" / "queues.yml"))
    return database


@pytest_asyncio.fixture(scope="module", loop_scope="module", params=ENGINES)
async def product(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
                  models: ModelHolder, nlu_model_path: Path) -> AsyncIterator[Product]:
    tmp = tmp_path_factory.mktemp(f"hostile-{request.param}")
    database = _database(request.param, tmp, request)
    port = free_port()
    async with serving(LocalBotApi().app()) as bot_api, \
            serving(LocalLineApi(access_token="line-token").app()) as line_api:
        settings = Settings.model_validate({
            "var_dir": tmp / "var", "database_url": database.url, "nlu_model": nlu_model_path,
            "sweep_interval_seconds": 0,
            "TELEGRAM_BOT_TOKEN": "123456789:hostile", "TELEGRAM_API_BASE_URL": bot_api,
            "TELEGRAM_WEBHOOK_URL": f"http://127.0.0.1:{port}{TG_PATH}",
            "TELEGRAM_WEBHOOK_SECRET": TG_SECRET,
            "LINE_CHANNEL_SECRET": LINE_SECRET, "LINE_CHANNEL_ACCESS_TOKEN": "line-token",
            "LINE_API_BASE_URL": line_api})
        runtime = build_runtime(settings, ManualClock(START), database=database, models=models)
        app = create_app(runtime)
        async with serving(app, port) as url:
            yield await _seed(url, runtime, app[LINE])
    database.dispose()


async def _seed(url: str, runtime: Runtime, line: Any) -> Product:
    """A web chat customer handed to a supervisor, who claims the case."""
    with runtime.db.session() as session:
        _, token = add_agent(session, name="sam", role=AgentRole.SUPERVISOR,
                             queues=["general", "complaints", "vip", "legal"], skills=[],
                             now=START)
    user = "hostile-seed"
    answer = await send(url, RawRequest("POST", "/webchat/api/messages", [
        (b"Content-Type", b"application/json")],
        json.dumps({"user_id": user, "text": "我要找人工客服"}).encode()))
    body = answer.json()
    number = body["conversation"]["case_number"]
    assert number, body
    product = Product(url, runtime, line, user, body["token"], token, number)
    claim = await send(url, RawRequest("POST", f"/api/cases/{number}/claim",
                                       [(b"Authorization", f"Bearer {token}".encode())]))
    assert claim.status == 200, claim.body
    return product


# -- the suite ---------------------------------------------------------------------------------

@pytest.mark.parametrize("hostile", INPUTS, ids=[h.name for h in INPUTS])
@pytest.mark.parametrize(("endpoint", "answers_json"), ENDPOINTS,
                         ids=[e.__name__ for e, _ in ENDPOINTS])
async def test_a_hostile_input_is_never_a_500_and_a_refusal_stores_nothing(
        product: Product, endpoint: Build, answers_json: bool, hostile: Hostile) -> None:
    await product.app_line.drain()
    before = product.stored()
    response = await send(product.url, endpoint(product, hostile))
    await product.app_line.drain()
    assert response.status < 500, response.body[:300]
    if answers_json and response.status >= 400:
        assert response.headers["content-type"].startswith("application/json"), response.body
        assert response.json()["error"]
    if response.status >= 400:
        assert product.stored() == before
    assert product.troubled_inbox_rows() == []


async def test_the_suite_covers_every_input_on_every_endpoint() -> None:
    """The closing note's count: 21 inputs × 11 endpoints = 231 requests per engine."""
    assert (len(INPUTS), len(ENDPOINTS)) == (21, 11)


def _post(body: dict[str, Any], query: str = "") -> RawRequest:
    return RawRequest("POST", "/webchat/api/messages" + query,
                      [(b"Content-Type", b"application/json")], json.dumps(body).encode())


async def test_a_lone_surrogate_in_web_chat_text_is_a_400_naming_it(product: Product) -> None:
    response = await send(product.url, _post({"user_id": "sur-1", "text": "\udfff"}))
    assert response.status == 400
    assert "surrogate" in response.json()["error"]


async def test_an_after_beyond_the_largest_message_id_is_a_400_and_nothing_is_stored(
        product: Product) -> None:
    before = product.stored()
    response = await send(product.url, _post({"user_id": "big-after", "text": "你好"},
                                             f"?after={10**30}"))
    assert response.status == 400 and "after" in response.json()["error"]
    assert product.stored() == before


async def test_nul_is_stripped_from_web_chat_text_on_both_engines(product: Product) -> None:
    response = await send(product.url, _post({"user_id": "nul-1", "text": "退\x00货"}))
    assert response.status == 200
    with product.runtime.db.session() as session:
        texts = list(session.scalars(select(Message.text).where(Message.text.like("退%货"))))
    assert texts == ["退货"]


async def test_a_signed_line_body_with_junk_events_keeps_the_good_one_and_answers_200(
        product: Product) -> None:
    good = text_event("你好")
    body = json.dumps({"events": [42, {}, good, {"type": "message"}]}).encode()
    response = await send(product.url, RawRequest("POST", "/line/webhook", [
        (b"Content-Type", b"application/json"),
        (b"X-Line-Signature", sign(LINE_SECRET, body).encode())], body))
    assert response.status == 200
    with product.runtime.db.session() as session:
        keys = list(session.scalars(select(ChannelInboxEntry.key)))
    assert f"line:{good['webhookEventId']}" in keys


async def test_an_overlong_query_string_is_a_json_414(product: Product) -> None:
    response = await send(product.url, RawRequest(
        "GET", "/webchat/api/messages?user_id=u&q=" + "x" * 20_000))
    assert response.status == 414
    assert "query string" in response.json()["error"]
