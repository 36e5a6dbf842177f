"""A short preview of a stored raw LINE event, for operators (the dashboard's parked messages,
``aftersales inbox list``)."""

from __future__ import annotations

from typing import Any


def event_preview(payload: dict[str, Any], width: int = 40) -> str:
    """What the customer sent, as far as a stored raw event says (for operators): the message
    text, else the message or event type."""
    message = payload.get("message")
    if isinstance(message, dict):
        text = message.get("text")
        shown = str(text) if isinstance(text, str) else f"[{message.get('type', 'message')}]"
    else:
        shown = f"[{payload.get('type', 'event')}]"
    shown = " ".join(shown.split())
    return shown if len(shown) <= width else shown[: width - 1] + "…"
