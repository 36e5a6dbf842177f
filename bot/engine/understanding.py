"""One inbound message understood: the NLU parse (or a pressed button), the photos it carries,
and the `TurnFacts` the handoff desk sees."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.engine.state import Dialogue
from bot.evidence import EvidenceRejected, StoredBlob, check_image
from bot.messages import AttachmentKind, InboundMessage
from bot.runtime import Runtime
from handoff.ports import SensitiveFlag, TurnFacts
from handoff.store.masking import DIGEST_PREFIX, mask_phone, phone_digest, phone_digits


@dataclass(frozen=True)
class Photos:
    stored: tuple[StoredBlob, ...]
    rejected: str | None  # code of the first refused attachment (not_image, too_large …)


def store_photos(runtime: Runtime, message: InboundMessage) -> Photos:
    """Check and store the message's images; other attachments are refused politely."""
    stored, rejected = [], None
    for attachment in message.attachments:
        if attachment.kind is not AttachmentKind.IMAGE or attachment.data is None:
            rejected = rejected or "not_image"
            continue
        settings = runtime.settings
        try:
            image = check_image(attachment.data, settings.evidence_max_bytes,
                                settings.evidence_max_pixels)
        except EvidenceRejected as exc:
            rejected = rejected or exc.code
            continue
        stored.append(runtime.evidence.put(image.data, image.content_type))
    return Photos(tuple(stored), rejected)


def parse_message(runtime: Runtime, message: InboundMessage, now: datetime) -> dict[str, Any]:
    """The NLU parse; a button's ``/intent`` payload decides the intent, and a message with
    only attachments counts as ``inform`` (it answers what was asked)."""
    text = message.text.strip()
    if text:
        tz_today = now.astimezone(_zone(runtime)).date()
        parse: dict[str, Any] = dict(runtime.models.model.parse(text, today=tz_today))
    else:
        parse = {"text": "", "intent": {"name": "inform", "confidence": 1.0},
                 "intent_ranking": [], "entities": [], "sensitive": [], "language": ""}
    if message.payload and message.payload.startswith("/"):
        name = message.payload[1:].split("{", 1)[0].split(":", 1)[0]
        parse["intent"] = {"name": name, "confidence": 1.0}
    return parse


def masked_parse(runtime: Runtime, parse: dict[str, Any]) -> dict[str, Any]:
    """The parse as it may be stored and shown: identifiers masked in the text and entities."""
    masked: dict[str, Any] = runtime.masker.mask_value(parse)
    for entity in masked.get("entities", []):
        if entity.get("entity") == "phone":
            entity["value"] = mask_phone(str(entity["value"]))
    return masked


def seal_phone(runtime: Runtime, dialogue: Dialogue) -> None:
    """Keep a full phone number in the slots only as its keyed digest (the identity check
    compares digests); the last 4 digits alone identify nobody and stay as typed."""
    phone = str(dialogue.slots.get("phone") or "")
    if len(phone_digits(phone)) > 4 and not phone.startswith(DIGEST_PREFIX):
        key = runtime.settings.secret_key.get_secret_value()
        dialogue.slots["phone"] = DIGEST_PREFIX + phone_digest(phone, key)


def handoff_rule(message: InboundMessage) -> str | None:
    """The rule of a ``/handoff:<rule>`` button, if that is what was pressed."""
    payload = message.payload or ""
    return payload.split(":", 1)[1] if payload.startswith("/handoff:") else None


def _zone(runtime: Runtime) -> Any:
    from zoneinfo import ZoneInfo

    return ZoneInfo(runtime.settings.timezone)


def turn_facts(parse: dict[str, Any], dialogue: Dialogue, locale: str,
               now: datetime) -> TurnFacts:
    started = dialogue.flow_started_at
    return TurnFacts(
        text=str(parse["text"]), intent=str(parse["intent"]["name"]),
        confidence=float(parse["intent"]["confidence"]), language=locale, now=now,
        entities=tuple(parse["entities"]),
        sensitive=tuple(SensitiveFlag(s["word"], s["category"]) for s in parse["sensitive"]),
        fallbacks_in_row=dialogue.fallbacks, flow=dialogue.flow,
        flow_started_at=datetime.fromisoformat(started) if started else None,
        order_id=dialogue.slots.get("order_id"))
