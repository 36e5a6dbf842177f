"""Text every engine can store: the one rule for NUL and lone surrogates, on SQLite and
PostgreSQL alike.

PostgreSQL ``text``/``jsonb`` refuse NUL (``\\x00``) while SQLite keeps it, and neither can
encode a lone UTF-16 surrogate (``"\\udfff"``, which JSON's ``\\u`` escapes can produce) as
UTF-8. Whatever a channel must accept (a platform's webhook cannot be refused) goes through
`storable`: NUL removed, lone surrogates replaced by U+FFFD, so both engines store the same text.
"""

from __future__ import annotations

import re
from typing import Any

_SURROGATE = re.compile("[\ud800-\udfff]")


def has_lone_surrogate(text: str) -> bool:
    return _SURROGATE.search(text) is not None


def storable(text: str) -> str:
    """``text`` without NUL and with each lone surrogate replaced by U+FFFD."""
    return _SURROGATE.sub("\ufffd", text.replace("\x00", ""))


def storable_json(value: Any) -> Any:
    """`storable` applied to every string (keys too) of a parsed JSON document.

    Raises RecursionError for documents nested deeper than Python's recursion limit.
    """
    if isinstance(value, str):
        return storable(value)
    if isinstance(value, dict):
        return {storable(str(k)): storable_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [storable_json(v) for v in value]
    return value
