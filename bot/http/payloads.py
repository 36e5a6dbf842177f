"""Reading request bodies with clear 4xx errors.

Every JSON body is checked once here, so no handler meets what the stores cannot keep: a lone
UTF-16 surrogate (a ``\\udfff`` escape) is a 400, NUL characters are removed (PostgreSQL refuses
them; see `handoff.store.text`), and nesting deeper than the parser's recursion limit is a 400.
"""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from bot.http.errors import ApiError
from handoff.store.text import has_lone_surrogate, storable_json

_SURROGATE = "the JSON holds a lone UTF-16 surrogate (an unpaired \\ud800–\\udfff escape)"


async def read_json(request: web.Request) -> dict[str, Any]:
    """The JSON object of the body, or a 400/415 naming the problem."""
    if request.content_type != "application/json":
        raise ApiError(415, "send application/json")
    body = parse_json(await request.read())
    if not isinstance(body, dict):
        raise ApiError(400, "the JSON body must be an object")
    return body


def parse_json(raw: bytes) -> Any:
    """The document in ``raw`` (UTF-8 JSON), NUL removed; a 400 when it cannot be used."""
    try:
        document = json.loads(raw.decode("utf-8"))
        if _holds_surrogate(document):
            raise ApiError(400, _SURROGATE)
        return storable_json(document)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ApiError(400, f"malformed JSON: {exc}") from exc
    except RecursionError:
        raise ApiError(400, "malformed JSON: nested too deeply") from None


def clean_field(value: str, name: str) -> str:
    """A form field's text as the stores keep it (the same rules as a JSON body)."""
    if has_lone_surrogate(value):
        raise ApiError(400, f'"{name}" holds a lone UTF-16 surrogate')
    return value.replace("\x00", "")


def _holds_surrogate(value: Any) -> bool:
    if isinstance(value, str):
        return has_lone_surrogate(value)
    if isinstance(value, dict):
        return any(_holds_surrogate(k) or _holds_surrogate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_surrogate(v) for v in value)
    return False
