"""LINE webhook signatures: ``X-Line-Signature`` = Base64(HMAC-SHA256(channel secret, body)).

Checked over the raw bytes, before anything is parsed, and compared in constant time.
"""

from __future__ import annotations

import base64
import hashlib
import hmac


def sign(channel_secret: str, body: bytes) -> str:
    """The signature LINE sends with ``body`` (tests use it to sign like LINE does)."""
    digest = hmac.new(channel_secret.encode("utf-8"), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def is_valid(channel_secret: str, body: bytes, signature: str | None) -> bool:
    """True only when ``signature`` is LINE's signature of ``body``."""
    if not signature or not channel_secret:
        return False
    return hmac.compare_digest(sign(channel_secret, body).encode("ascii"),
                               signature.encode("ascii", "replace"))
