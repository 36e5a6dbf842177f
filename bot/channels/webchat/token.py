"""Web chat conversation tokens: proof that a caller owns a browser-chosen ``user_id``.

The widget picks its own ``user_id``, so the id alone proves nothing: anyone who knows or
guesses it could read that customer's conversation (agent replies may carry order details) or
write into it. The token is ``base64url(HMAC-SHA256(secret_key, "webchat:" + user_id))``
without padding — derived, never stored, so there is nothing to migrate or expire; rotating
``AFTERSALES_SECRET_KEY`` invalidates every token at once (the widget then starts afresh).

Rule: the first POST of a ``user_id`` nobody has used yet needs no token and is answered with
one; every later POST and every GET must present it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from aiohttp import web
from sqlalchemy import select

from bot.http.errors import ApiError
from bot.runtime import Runtime
from handoff.store.models import Customer

CHANNEL = "webchat"
HEADER = "X-Webchat-Token"
_MISSING = (f"this conversation already exists: send its token (header {HEADER} or a "
            '"token" field/query parameter), the one returned by its first message')
_WRONG = ('the token does not match this "user_id"; keep the token returned by the first '
          'message, or start a new conversation with a new "user_id"')


def conversation_token(secret: str, user_id: str) -> str:
    """The token that proves ownership of ``user_id`` under ``secret``."""
    digest = hmac.new(secret.encode("utf-8"), f"webchat:{user_id}".encode("utf-8", "surrogatepass"),
                      hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def token_matches(secret: str, user_id: str, presented: str) -> bool:
    """Constant-time check of a presented token (bytes, so non-ASCII input is just wrong).

    ``surrogatepass``: aiohttp hands non-UTF-8 header bytes over as lone surrogates
    (surrogateescape), which strict UTF-8 cannot encode.
    """
    expected = conversation_token(secret, user_id).encode("ascii")
    return hmac.compare_digest(expected, presented.encode("utf-8", "surrogatepass"))


def presented_token(request: web.Request, body_token: str | None = None) -> str | None:
    """The token the caller sent: the header first, then a body field, then the query."""
    return request.headers.get(HEADER) or body_token or request.query.get("token") or None


def admit_post(runtime: Runtime, user_id: str, presented: str | None) -> str:
    """The token to hand back for a POST, or a 401 (raised before anything is stored).

    A token, when sent, must be right; it may be left out only while ``user_id`` is unknown.
    """
    secret = runtime.settings.secret_key.get_secret_value()
    if presented is not None:
        if not token_matches(secret, user_id, presented):
            raise ApiError(401, _WRONG)
    elif _known(runtime, user_id):
        raise ApiError(401, _MISSING)
    return conversation_token(secret, user_id)


def admit_read(runtime: Runtime, user_id: str, presented: str | None) -> None:
    """A GET always needs the token (401 otherwise), known conversation or not."""
    if presented is None:
        raise ApiError(401, f"send the conversation token (header {HEADER} or ?token=…) "
                            "returned by the first message")
    if not token_matches(runtime.settings.secret_key.get_secret_value(), user_id, presented):
        raise ApiError(401, _WRONG)


def _known(runtime: Runtime, user_id: str) -> bool:
    # The customer row (not only the conversation) counts: any stored history makes it "taken".
    with runtime.db.read_session() as session:
        found = session.scalar(select(Customer.id).where(Customer.channel == CHANNEL,
                                                         Customer.external_id == user_id))
        return found is not None
