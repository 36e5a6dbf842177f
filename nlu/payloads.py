"""Wire payloads (TypedDicts) of a parse result, in Rasa's parse format plus extras."""

from __future__ import annotations

from typing import Any, NotRequired, TypedDict


class IntentPayload(TypedDict):
    """An intent name with its (calibrated) confidence."""

    name: str
    confidence: float


class EntityPayload(TypedDict):
    """An entity with offsets into the original text.

    ``value`` is a normalised string (order_id, phone, phone_last4), a float (amount,
    with ``currency``) or an ISO date string (date).
    """

    entity: str
    value: Any
    start: int
    end: int
    text: str
    extractor: str
    currency: NotRequired[str]


class SensitivePayload(TypedDict):
    """A risk hit: category and offsets into the original text; ``word`` is the text there.

    With the risk model loaded also ``span`` (the text that triggered it, same as ``word``),
    ``score`` and ``source`` (``lexicon`` or ``model``).
    """

    word: str
    category: str
    start: int
    end: int
    span: NotRequired[str]
    score: NotRequired[float]
    source: NotRequired[str]


class ParseResult(TypedDict):
    """What ``NluModel.parse`` returns and ``nlu parse`` prints (one JSON object)."""

    text: str
    intent: IntentPayload
    intent_ranking: list[IntentPayload]
    entities: list[EntityPayload]
    sensitive: list[SensitivePayload]
    language: str
