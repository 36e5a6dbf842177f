"""``X-Aftersales-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">``.

The receiver recomputes the HMAC with its secret over the timestamp, a dot and the raw body,
compares in constant time, and refuses timestamps older than its tolerance (replays)."""

from __future__ import annotations

import hashlib
import hmac

HEADER = "X-Aftersales-Signature"


def signature(secret: str, body: bytes, timestamp: int) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={digest.hexdigest()}"


def verify(secret: str, header: str, body: bytes, now: int, tolerance: int = 300) -> bool:
    """What a receiver does (and what the tests do as the receiver)."""
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs(now - timestamp) > tolerance:
        return False
    expected = signature(secret, body, timestamp).split("v1=", 1)[1]
    return hmac.compare_digest(expected, parts.get("v1", ""))
