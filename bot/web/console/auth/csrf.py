"""CSRF protection: every form post carries a token derived from the session's nonce.

The token is an HMAC of the session (or, on the sign-in form, a pre-session cookie) nonce, so it
cannot be read or forged by another site; SameSite=Lax cookies are the second line of defence.
Scripts send the same token in the ``X-CSRF-Token`` header.
"""

from __future__ import annotations

from aiohttp import web

from bot.web.console.common import SIGNER

FIELD = "csrf_token"
HEADER = "X-CSRF-Token"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


async def csrf_valid(request: web.Request, nonce: str | None) -> bool:
    """True when the request carries the token of ``nonce`` (header or form field)."""
    token = request.headers.get(HEADER)
    if token is None and request.content_type in (
            "application/x-www-form-urlencoded", "multipart/form-data"):
        form = await request.post()  # cached by aiohttp: handlers can read it again
        value = form.get(FIELD)
        token = value if isinstance(value, str) else None
    return request.app[SIGNER].csrf_ok(nonce, token)


def refuse(request: web.Request) -> web.HTTPForbidden:
    return web.HTTPForbidden(text="Refused: the form's security token is missing or out of date. "
                             "Reload the page and try again.")
