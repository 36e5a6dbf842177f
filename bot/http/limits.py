"""Request-size limits answered in JSON, like every other client mistake.

aiohttp's own parser refuses a request line or header longer than its ``max_line_size`` with a
plain-text 400 before any middleware runs. The app raises that limit to
``AFTERSALES_HTTP_MAX_LINE_BYTES`` (see `parser_limits`) and refuses a query string longer than
``AFTERSALES_HTTP_MAX_QUERY_CHARS`` here, as a JSON 414 a client can read.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from bot.http.errors import ApiError, Handler, is_api

_FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


@web.middleware
async def form_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Server-rendered pages' POST forms, read once up front so a broken one is a 400.

    ``request.post()`` caches what it read, so the page's handler gets the same fields; API
    routes read their own bodies (the web chat streams its photo) and are left alone.
    """
    if request.method == "POST" and request.content_type in _FORMS and not is_api(request):
        try:
            await request.post()
        except (ValueError, AssertionError) as exc:  # no boundary, truncated, not UTF-8
            raise web.HTTPBadRequest(text=f"malformed form: {exc}") from exc
    return await handler(request)


def parser_limits(max_line_bytes: int) -> dict[str, Any]:
    """``handler_args`` for the application: the HTTP parser's line and header limits."""
    return {"max_line_size": max_line_bytes, "max_field_size": max_line_bytes}


def query_limit(max_chars: int) -> Any:
    """A middleware refusing query strings longer than ``max_chars`` (414, JSON), and a NUL in
    the path or query (400: PostgreSQL cannot compare text holding one; SQLite could, so it is
    refused on both)."""

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        if len(request.query_string) > max_chars:
            raise ApiError(414, f"the query string is longer than {max_chars} characters")
        if "\x00" in request.path or any("\x00" in k + v for k, v in request.query.items()):
            raise ApiError(400, "the path or query holds a NUL character")
        return await handler(request)

    return middleware
