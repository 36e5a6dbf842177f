"""Dependencies point one way: bot → nlu, handoff. The core never sees a chat platform."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PLATFORM_LIBS = ("aiogram", "aiohttp", "linebot")

_PROBE = """
import importlib, json, pkgutil, sys
package = importlib.import_module(sys.argv[1])
for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
    if ".migrations." not in info.name:  # Alembic scripts only run inside Alembic
        importlib.import_module(info.name)
print(json.dumps(sorted({name.split(".")[0] for name in sys.modules})))
"""


def _top_level_imports(package: str) -> set[str]:
    """Import every module of ``package`` in a fresh interpreter; list what got loaded."""
    result = subprocess.run(
        [sys.executable, "-c", _PROBE, package], cwd=ROOT, capture_output=True, text=True,
        check=True, timeout=120,
    )
    return set(json.loads(result.stdout.strip().splitlines()[-1]))


@pytest.mark.parametrize("package", ["nlu", "handoff"])
def test_core_packages_import_no_chat_platform_library(package: str) -> None:
    loaded = _top_level_imports(package)
    assert loaded.isdisjoint(PLATFORM_LIBS), loaded & set(PLATFORM_LIBS)
    assert "bot" not in loaded


def test_nlu_imports_neither_bot_nor_handoff() -> None:
    loaded = _top_level_imports("nlu")
    assert {"bot", "handoff"}.isdisjoint(loaded)
