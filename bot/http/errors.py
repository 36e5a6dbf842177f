"""JSON errors for API routes: a client mistake is a 4xx with a clear message, never a 500."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from aiohttp import web

log = logging.getLogger(__name__)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class ApiError(web.HTTPException):
    """A 4xx with ``{"error": message}``."""

    def __init__(self, status: int, message: str) -> None:
        self.status_code = status
        super().__init__(text=_json(message), content_type="application/json")


def _json(message: str) -> str:
    import json

    return json.dumps({"error": message}, ensure_ascii=False)


def is_api(request: web.Request) -> bool:
    """Routes that answer JSON (their errors too)."""
    return "/api/" in request.path or request.path.startswith("/model/")


@web.middleware
async def json_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except web.HTTPException as exc:
        if not is_api(request) or exc.content_type == "application/json" or exc.status < 400:
            raise
        raise ApiError(exc.status, exc.reason) from exc
    except UnicodeDecodeError as exc:
        # Only a request's own bytes are decoded while a handler runs (aiohttp's form reader,
        # for one, decodes a non-UTF-8 field this way): the client's mistake, never a 500.
        message = f"the request is not valid UTF-8: {exc.reason}"
        if not is_api(request):
            raise web.HTTPBadRequest(text=message) from exc
        raise ApiError(400, message) from exc
    except Exception:
        log.exception("unhandled error on %s %s", request.method, request.path)
        if not is_api(request):
            raise
        raise ApiError(500, "internal error; the message was not processed, retry it") from None
