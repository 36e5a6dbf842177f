"""A real Rasa 3.6.21 assistant on our actions, from the exported project: trained, served by
``rasa run`` and chatted with through its REST channel while our action server answers the
actions (order status with the phone check, end to end). Needs RASA_BIN (``make rasa-venv``,
then ``make test-rasa``)."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import requests

from bot.demo import load_demo_orders
from bot.rasa.export import export_project
from handoff.config.paths import default_training_data_dir
from handoff.config.settings import Settings
from handoff.store.db import Database
from tests.bot.actions.test_action_server import free_port, run_action_server, stop_group

RASA_BIN = os.environ.get("RASA_BIN", "")
WHY = "Rasa is not installed: set RASA_BIN (make rasa-venv, then make test-rasa)"
pytestmark = [pytest.mark.rasa,
              pytest.mark.skipif(not (RASA_BIN and os.access(RASA_BIN, os.X_OK)), reason=WHY)]


@pytest.fixture
def db(sqlite_store: Database) -> Database:
    return sqlite_store


@pytest.fixture
def demo_orders(db: Database, bot_settings: Settings) -> None:
    today = datetime.now(ZoneInfo(bot_settings.timezone)).date()
    with db.session() as session:
        load_demo_orders(session, bot_settings, today)


@pytest.fixture
def actions(bot_settings: Settings, demo_orders: None, tmp_path: Path) -> Iterator[str]:
    yield from run_action_server(bot_settings, tmp_path, tmp_path / "no-model.npz")


@pytest.fixture
def assistant(actions: str, tmp_path: Path) -> Iterator[str]:
    project = tmp_path / "assistant"
    export_project(default_training_data_dir(), project)
    (project / "endpoints.yml").write_text(f"action_endpoint:\n  url: {actions}/webhook\n")
    subprocess.run([RASA_BIN, "train", "--fixed-model-name", "assistant", "--out", "models"],
                   cwd=project, check=True, timeout=3600, capture_output=True)
    port = free_port()
    log = (tmp_path / "rasa.log").open("wb")
    process = subprocess.Popen(
        [RASA_BIN, "run", "--port", str(port), "--model", "models/assistant.tar.gz",
         "--endpoints", "endpoints.yml"],
        cwd=project, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, process, tmp_path / "rasa.log")
        yield url
    finally:
        stop_group(process)
        log.close()


def _wait_until_up(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"rasa run exited: {log.read_text()[-2000:]}")
        try:
            if requests.get(url, timeout=2).ok:
                return
        except requests.RequestException:
            time.sleep(1)
    pytest.fail("rasa run did not start within 5 minutes")


def say(url: str, text: str) -> str:
    response = requests.post(f"{url}/webhooks/rest/webhook",
                             json={"sender": "rasa-customer", "message": text}, timeout=60)
    assert response.status_code == 200, response.text
    replies: list[dict[str, Any]] = response.json()
    return "\n".join(str(r.get("text", "")) for r in replies)


def test_a_rasa_assistant_answers_where_is_my_order_with_the_phone_check(
        assistant: str) -> None:
    assert "订单号" in say(assistant, "我的订单到哪了")
    assert "后 4 位" in say(assistant, "2026110500008")
    answer = say(assistant, "7777")
    assert "SF5544332211" in answer and "顺丰速运" in answer
