"""The slots the L1 actions read or set, found in their source (``tracker.get_slot("x")``,
``SlotSet("x", …)``, ``tracker.slots["x"]``): the exported domain declares them all, so it
cannot drift from the code."""

from __future__ import annotations

import ast
from pathlib import Path

ACTIONS_DIR = Path(__file__).resolve().parent.parent / "actions"


def _slot_name(node: ast.AST) -> str | None:
    if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
        func = node.func
        called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if called in {"get_slot", "SlotSet"} and isinstance(node.args[0].value, str):
            return node.args[0].value
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute) \
            and node.value.attr == "slots" and isinstance(node.slice, ast.Constant):
        return str(node.slice.value)
    return None


def slots_in_actions(directory: Path = ACTIONS_DIR) -> frozenset[str]:
    found: set[str] = set()
    for path in sorted(directory.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            name = _slot_name(node)
            if name:
                found.add(name)
    return frozenset(found)
