"""Security headers on every response of every app: pages, JSON, files, and the 404/405/500
that aiohttp or a handler raises.

One middleware, installed outermost, so nothing answers without the headers. The web chat is
meant to be embedded in the shop's site: its framing rule comes from the allowed origins
(``AFTERSALES_WEBCHAT_ALLOWED_ORIGINS``, CSP ``frame-ancestors``); everything else may not be
framed at all. Responses are ``Cache-Control: no-store`` unless the handler chose otherwise or
they are static assets, so evidence photos and transcripts never land in a shared cache.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass

from aiohttp import web
from aiohttp.typedefs import Middleware
from multidict import CIMultiDict

log = logging.getLogger(__name__)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

_BASE_CSP = ("default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
             "form-action 'self'")
# The widget page carries its script and style inline (one self-contained file to embed).
_WEBCHAT_CSP = ("default-src 'self'; script-src 'self' 'unsafe-inline'; "
                "style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; "
                "base-uri 'none'; form-action 'self'")
_CACHEABLE = ("/static/",)


@dataclass(frozen=True)
class HeaderPolicy:
    """Which framing each part of the site allows."""

    webchat_prefix: str = "/webchat"
    webchat_frame_ancestors: tuple[str, ...] = ("'self'",)

    def headers_for(self, path: str) -> Mapping[str, str]:
        common = {"X-Content-Type-Options": "nosniff",
                  "Referrer-Policy": "strict-origin-when-cross-origin"}
        if path == self.webchat_prefix or path.startswith(f"{self.webchat_prefix}/"):
            ancestors = " ".join(self.webchat_frame_ancestors) or "'self'"
            framing = {"Content-Security-Policy": f"{_WEBCHAT_CSP}; frame-ancestors {ancestors}"}
            if self.webchat_frame_ancestors == ("'self'",):
                framing["X-Frame-Options"] = "SAMEORIGIN"  # for browsers without CSP 3
            return {**common, **framing}
        return {**common, "Content-Security-Policy": f"{_BASE_CSP}; frame-ancestors 'none'",
                "X-Frame-Options": "DENY"}


def frame_ancestors(origins: Iterable[str]) -> tuple[str, ...]:
    """CSP sources from the configured origins; ``'self'`` unless others are listed."""
    cleaned = tuple(origin.strip().rstrip("/") for origin in origins if origin.strip())
    return cleaned or ("'self'",)


def security_headers(policy: HeaderPolicy) -> Middleware:
    """The middleware: headers on returned responses and on raised HTTP errors alike."""

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        try:
            response = await handler(request)
        except web.HTTPException as exc:
            _apply(policy, request, exc.headers)
            raise
        except Exception:
            # Otherwise aiohttp would answer this 500 itself, bare.
            log.exception("unhandled error on %s %s", request.method, request.path)
            error = web.HTTPInternalServerError()
            _apply(policy, request, error.headers)
            raise error from None
        _apply(policy, request, response.headers)
        return response

    return middleware


def _apply(policy: HeaderPolicy, request: web.Request, headers: CIMultiDict[str]) -> None:
    headers.update(policy.headers_for(request.path))
    if "/evidence/" in request.path:
        headers["Cache-Control"] = "no-store"  # customers' photos: never in any cache
    elif not any(marker in request.path for marker in _CACHEABLE):
        headers.setdefault("Cache-Control", "no-store")
