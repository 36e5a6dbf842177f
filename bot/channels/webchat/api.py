"""The web chat channel: a JSON/multipart API the widget (and any website) talks to, and the
widget page itself. Thin: it validates input, turns it into an `InboundMessage`, and gives it
to the engine through the same `ChannelIntake` as every other channel.

``POST /webchat/api/messages``  ``{"user_id", "text", "message_id"?}`` (or multipart + ``photo``)
    → this turn's replies, each with its stored message ``id``
``GET  /webchat/api/messages?user_id=…&after=…``  outbound messages after ``after``, for polling

A client polls from the ``cursor`` of its last GET only and skips polled ids it was already
shown in a POST answer. The POST ``cursor`` (kept for older clients) advances the ``after`` the
client passes on the POST's query string only over this turn's own replies.
``GET  /webchat/api/history?user_id=…``  the conversation so far (see `restore`)
``GET  /webchat/``  the chat page; ``GET /webchat/embed.js`` the bubble for a shop's pages

Every call but a new ``user_id``'s first POST carries the conversation token (see
`bot.channels.webchat.token`); without it the call is a 401 and nothing is stored.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import uuid
from dataclasses import dataclass
from typing import Any

import aiohttp
from aiohttp import BodyPartReader, web

from bot.channels.health import ChannelHealth
from bot.channels.intake import ChannelIntake, Handle, StoreUnavailable
from bot.channels.mount import ChannelMount
from bot.channels.webchat.page import chat_page, embed_script
from bot.channels.webchat.restore import get_history
from bot.channels.webchat.token import (
    CHANNEL,
    HEADER,
    admit_post,
    admit_read,
    presented_token,
)
from bot.channels.webchat.words import WidgetWords, load_words
from bot.engine.history import (
    agent_joins,
    conversation_view,
    find_conversation,
    outbound_after,
    seen_through,
    turn_reply_ids,
)
from bot.engine.store import inbound_key
from bot.evidence import EvidenceRejected, check_image
from bot.http.errors import ApiError
from bot.http.payloads import clean_field, read_json
from bot.messages import Attachment, AttachmentKind, InboundMessage, OutboundMessage
from bot.runtime import Runtime
from handoff.store.outbox import PulledByCustomer

_MAX_ID = 128
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Webchat:
    """What the web chat's handlers need: the runtime and the intake to the engine."""

    runtime: Runtime
    intake: ChannelIntake
    words: WidgetWords


WEBCHAT = web.AppKey("webchat", Webchat)


class WebchatSender(PulledByCustomer):
    """The widget polls the stored messages: a committed reply is already delivered, so the
    outbox records it as sent without a send (see `PulledByCustomer`)."""


def _field(body: dict[str, Any], name: str, *, required: bool) -> str | None:
    value = body.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or (required and not value.strip()):
        raise ApiError(400, f'"{name}" must be a non-empty string')
    if name != "text" and len(value) > _MAX_ID:
        raise ApiError(400, f'"{name}" is longer than {_MAX_ID} characters')
    return value


async def _read_multipart(request: web.Request, max_bytes: int) -> tuple[dict[str, Any], bytes]:
    try:
        return await _read_parts(request, max_bytes)
    except ApiError:
        raise
    except (ValueError, AssertionError, LookupError, aiohttp.ClientPayloadError) as exc:
        # No boundary, a truncated body, a field that is not UTF-8: aiohttp's reader raises
        # these (AssertionError included) for what the client sent, not for our bugs.
        raise ApiError(400, f"malformed multipart body: {exc}") from exc


async def _read_parts(request: web.Request, max_bytes: int) -> tuple[dict[str, Any], bytes]:
    fields: dict[str, Any] = {}
    photo = b""
    async for part in await request.multipart():
        if not isinstance(part, BodyPartReader):
            continue
        if part.name == "photo":
            photo = await _read_limited(part, max_bytes)
        elif part.name in ("user_id", "text", "message_id", "payload", "token"):
            raw = await part.read(decode=True)
            fields[part.name] = clean_field(raw.decode("utf-8"), part.name)
    return fields, photo


async def _read_limited(part: BodyPartReader, max_bytes: int) -> bytes:
    data = bytearray()
    while chunk := await part.read_chunk():
        data.extend(chunk)
        if len(data) > max_bytes:
            raise ApiError(413, f"the photo is larger than {max_bytes} bytes")
    return bytes(data)


async def _read_body(request: web.Request, runtime: Runtime) -> tuple[dict[str, Any], bytes]:
    if request.content_type.startswith("multipart/"):
        return await _read_multipart(request, runtime.settings.evidence_max_bytes)
    return await read_json(request), b""


def _inbound(body: dict[str, Any], photo: bytes, runtime: Runtime) -> InboundMessage:
    user_id = _field(body, "user_id", required=True)
    text = _field(body, "text", required=False) or ""
    if len(text) > runtime.dialogue.max_text_chars:
        raise ApiError(413, f'"text" is longer than {runtime.dialogue.max_text_chars} characters')
    if not text.strip() and not photo:
        raise ApiError(400, 'send "text" or a "photo"')
    attachments = (_photo(photo, runtime),) if photo else ()
    assert user_id is not None
    message_id = _field(body, "message_id", required=False) or uuid.uuid4().hex
    return InboundMessage(CHANNEL, user_id, text.strip(), attachments,
                          update_id(user_id, message_id),
                          payload=_field(body, "payload", required=False))


def update_id(user_id: str, message_id: str) -> str:
    """The delivery id the engine deduplicates on. Browsers choose ``message_id``, so two users
    may pick the same one: it only identifies a message together with its ``user_id``."""
    return hashlib.sha256(f"{user_id}\n{message_id}".encode()).hexdigest()[:40]


def _photo(data: bytes, runtime: Runtime) -> Attachment:
    """The upload, refused here (413/415, nothing stored) when it does not decode; the engine
    stores the re-encoded image (`check_image` again) like every channel's."""
    settings = runtime.settings
    try:
        image = check_image(data, settings.evidence_max_bytes, settings.evidence_max_pixels)
    except EvidenceRejected as exc:
        raise ApiError(413 if exc.code == "too_large" else 415, str(exc)) from exc
    return Attachment(AttachmentKind.IMAGE, image.content_type, data)


def _no_token_in_url(request: web.Request) -> None:
    """The token proves who owns a conversation; in a URL it would end up in proxy and access
    logs, so a query-string token is refused before anything else is read."""
    if "token" in request.query:
        raise ApiError(400, f"send the conversation token in the {HEADER} header, "
                            "never in the URL")


async def post_message(request: web.Request) -> web.Response:
    _no_token_in_url(request)
    chat = request.app[WEBCHAT]
    runtime = chat.runtime
    after = _after(request)
    body, photo = await _read_body(request, runtime)
    message = _inbound(body, photo, runtime)
    presented = presented_token(request, _field(body, "token", required=False))

    def post(handle: Handle) -> tuple[str, list[OutboundMessage], _TurnView]:
        # The token is checked before the turn: a refused caller leaves no trace in the store.
        token = admit_post(runtime, message.external_id, presented)
        replies = handle(message)
        return token, replies, _turn(runtime, message, after)

    try:
        token, replies, turn = await chat.intake.run(post)
    except StoreUnavailable as exc:
        log.warning("web chat turn refused, store unavailable: %s", str(exc)[:300])
        raise ApiError(503, "the store is unavailable: retry with the same message_id") from exc
    return web.json_response({
        "replies": [dict(reply.to_payload(), id=message_id)
                    for reply, message_id in zip(replies, turn.reply_ids, strict=True)],
        "conversation": turn.view, "cursor": turn.cursor, "token": token})


@dataclass(frozen=True)
class _TurnView:
    view: dict[str, Any]
    reply_ids: list[int]
    cursor: int


def _turn(runtime: Runtime, message: InboundMessage, after: int) -> _TurnView:
    """The stored ids of this turn's replies, the conversation, and a cursor that is safe to
    poll from: `seen_through`, never the conversation's last outbound id (an agent reply
    committed meanwhile, or one the client has not polled yet, would be skipped forever)."""
    with runtime.db.read_session() as session:
        conversation = find_conversation(session, CHANNEL, message.external_id)
        ids = turn_reply_ids(session, conversation, inbound_key(message)) if conversation else None
        if conversation is None or ids is None:
            raise ApiError(409, '"message_id" is already used by another conversation')
        return _TurnView(conversation_view(session, conversation), ids,
                         seen_through(session, conversation, after, ids))


_MAX_MESSAGE_ID = 2**63 - 1  # ids are BIGINT on PostgreSQL: a larger cursor cannot be compared


def _after(request: web.Request) -> int:
    raw = request.query.get("after", "0")
    if not raw.isascii() or not raw.isdigit() or len(raw) > 19 or int(raw) > _MAX_MESSAGE_ID:
        raise ApiError(400, '"after" must be a non-negative integer message id '
                            f"(at most {_MAX_MESSAGE_ID})")
    return int(raw)


async def get_messages(request: web.Request) -> web.Response:
    _no_token_in_url(request)
    runtime = request.app[WEBCHAT].runtime
    user_id = request.query.get("user_id", "")
    if not user_id or len(user_id) > _MAX_ID:
        raise ApiError(400, '"user_id" query parameter is required')
    after = _after(request)
    admit_read(runtime, user_id, presented_token(request))
    return web.json_response(await asyncio.to_thread(_poll, runtime, user_id, after))


def _poll(runtime: Runtime, user_id: str, after: int) -> dict[str, Any]:
    with runtime.db.read_session() as session:
        conversation = find_conversation(session, CHANNEL, user_id)
        messages = outbound_after(session, conversation, after) if conversation else []
        cursor = messages[-1]["id"] if messages else after
        return {"messages": messages, "cursor": cursor,
                "joins": agent_joins(session, conversation) if conversation else [],
                "conversation": conversation_view(session, conversation)}


async def page(request: web.Request) -> web.Response:
    chat = request.app[WEBCHAT]
    return await chat_page(request, chat.runtime, chat.words)


async def embed(request: web.Request) -> web.Response:
    chat = request.app[WEBCHAT]
    return await embed_script(request, chat.runtime, chat.words)


async def history(request: web.Request) -> web.Response:
    return await get_history(request, request.app[WEBCHAT].runtime)


def webchat_mount(runtime: Runtime, handle: Handle) -> ChannelMount:
    """The web chat routes; its sender joins the outbox (the widget polls, so a stored reply
    counts as delivered)."""
    runtime.outbox.register(CHANNEL, WebchatSender())
    return ChannelMount(
        routes=(web.post("/webchat/api/messages", post_message),
                web.get("/webchat/api/messages", get_messages),
                web.get("/webchat/api/history", history),
                web.get("/webchat/embed.js", embed),
                web.get("/webchat/", page), web.get("/webchat", _redirect)),
        exposed={WEBCHAT: Webchat(runtime, ChannelIntake(handle), load_words(
            runtime.settings.templates_dir, runtime.settings.default_locale))},
        health=(_connected(CHANNEL),))


def _connected(name: str) -> ChannelHealth:
    health = ChannelHealth(name)
    health.connected()  # the widget calls us: nothing to reach at start-up
    return health


async def _redirect(request: web.Request) -> web.Response:
    raise web.HTTPFound("/webchat/")
