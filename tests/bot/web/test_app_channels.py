"""A worker loads a chat platform's SDK only when that platform is configured: the web app of
a shop without Telegram or LINE settings answers its health checks, its web chat and its
console sign-in without aiogram, line-bot-sdk, scikit-learn, scipy, matplotlib or Alembic in
memory (together ~280 MB per worker). Each case runs in a fresh interpreter: the test process
itself has imported everything long ago.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
HEAVY = ("aiogram", "linebot", "sklearn", "scipy", "matplotlib", "alembic")

_SERVE = """
import asyncio, json, sys
from aiohttp.test_utils import TestClient, TestServer
import bot.cli  # what `aftersales serve` starts from
from bot.runtime import build_runtime
from bot.web.app import create_app
from handoff.config.settings import load_settings

async def main() -> None:
    app = create_app(build_runtime(load_settings()))
    statuses = {}
    if sys.argv[1] == "serve":
        async with TestClient(TestServer(app)) as client:
            for path in ("/healthz", "/readyz", "/webchat/", "/console/"):
                async with client.get(path) as answer:
                    statuses[path] = answer.status
            turn = {"user_id": "web-1", "text": "how long does shipping take?"}
            async with client.post("/webchat/api/messages", json=turn) as answer:
                statuses["turn"] = answer.status
    loaded = sorted({name.split(".")[0] for name in sys.modules} & set(sys.argv[2:]))
    print(json.dumps({"statuses": statuses, "loaded": loaded}))

asyncio.run(main())
"""


def _worker(tmp_path: Path, template: Path, model: Path, mode: str,
            **settings: str) -> dict[str, object]:
    """Build the app as ``aftersales serve`` does, in a fresh interpreter, with only these
    settings in its environment (none of the machine's platform tokens)."""
    shutil.copy(template, tmp_path / "store.db")
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("AFTERSALES_", "TELEGRAM_", "LINE_"))}
    env.update(AFTERSALES_DATABASE_URL=f"sqlite:///{tmp_path / 'store.db'}",
               AFTERSALES_VAR_DIR=str(tmp_path / "var"), AFTERSALES_NLU_MODEL=str(model),
               PYTHONPATH=str(ROOT), **settings)
    done = subprocess.run([sys.executable, "-c", _SERVE, mode, *HEAVY], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300, check=True)
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_a_shop_without_telegram_or_line_serves_without_their_sdks(
        tmp_path: Path, sqlite_template: Path, nlu_model_path: Path) -> None:
    worker = _worker(tmp_path, sqlite_template, nlu_model_path, "serve")
    assert worker["statuses"] == {"/healthz": 200, "/readyz": 200, "/webchat/": 200,
                                  "/console/": 200, "turn": 200}
    assert worker["loaded"] == []


def test_a_shop_with_telegram_and_line_loads_their_sdks_when_the_app_is_built(
        tmp_path: Path, sqlite_template: Path, nlu_model_path: Path) -> None:
    worker = _worker(tmp_path, sqlite_template, nlu_model_path, "build",
                     TELEGRAM_BOT_TOKEN="123456:not-a-real-token",
                     LINE_CHANNEL_SECRET="not-a-secret", LINE_CHANNEL_ACCESS_TOKEN="not-a-token")
    assert worker["loaded"] == ["aiogram", "linebot"]
