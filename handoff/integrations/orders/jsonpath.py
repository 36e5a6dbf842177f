"""The small JSON path the field mapping uses: ``$.order.items[0].title``."""

from __future__ import annotations

import re
from typing import Any

_STEP = re.compile(r"\.([^.\[\]]+)|\[(\d+)\]")


class PathError(ValueError):
    """The path is not of the form ``$.key[0].key``."""


def steps(path: str) -> list[str | int]:
    if not path.startswith("$"):
        raise PathError(f"JSON path {path!r} must start with $")
    rest, found = path[1:], []
    position = 0
    for match in _STEP.finditer(rest):
        if match.start() != position:
            raise PathError(f"JSON path {path!r} is not $.key[0].key")
        found.append(match.group(1) if match.group(1) is not None else int(match.group(2)))
        position = match.end()
    if position != len(rest):
        raise PathError(f"JSON path {path!r} is not $.key[0].key")
    return found


def pick(document: Any, path: str) -> Any:
    """The value at ``path``, or None where the document has no such key or item."""
    value = document
    for step in steps(path):
        if isinstance(step, int) and isinstance(value, list) and step < len(value):
            value = value[step]
        elif isinstance(step, str) and isinstance(value, dict):
            value = value.get(step)
        else:
            return None
    return value
