"""The L1 actions served unchanged by rasa-sdk's standard action server:
``python -m rasa_sdk --actions bot.actions`` answers Rasa's ``POST /webhook`` with events."""

from __future__ import annotations

import base64
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp
import pytest

from bot.demo import load_demo_orders
from bot.engine.runner import DOMAIN, tracker_dump
from handoff.config.settings import Settings
from handoff.store.db import Database
from tests.bot.conftest import image_bytes


@pytest.fixture
def db(sqlite_store: Database) -> Database:
    """Engine-independent behaviour: SQLite only (see test_conversations for both engines)."""
    return sqlite_store

ROOT = Path(__file__).resolve().parents[3]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def action_server(bot_settings: Settings, demo_orders: None, tmp_path: Path) -> Iterator[str]:
    yield from run_action_server(bot_settings, tmp_path, bot_settings.nlu_model_path)


@pytest.fixture
def action_server_without_model(bot_settings: Settings, demo_orders: None,
                                tmp_path: Path) -> Iterator[str]:
    """What a Rasa assistant runs: our actions, and no intent model file anywhere."""
    yield from run_action_server(bot_settings, tmp_path, tmp_path / "no" / "model.npz")


def run_action_server(bot_settings: Settings, tmp_path: Path, model: Path) -> Iterator[str]:
    port = free_port()
    log = tmp_path / "action_server.log"
    env = {**os.environ, "AFTERSALES_DATABASE_URL": bot_settings.database_url,
           "AFTERSALES_NLU_MODEL": str(model),
           "AFTERSALES_VAR_DIR": str(bot_settings.var_dir), "PYTHONPATH": str(ROOT)}
    with log.open("wb") as sink:
        # Its own process group: rasa-sdk's Sanic server spawns worker processes (and
        # multiprocessing's resource tracker) that outlive a terminated parent.
        process = subprocess.Popen(
            [sys.executable, "-m", "rasa_sdk", "--actions", "bot.actions", "--port", str(port)],
            cwd=ROOT, env=env, stdout=sink, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            if process.poll() is not None:
                pytest.fail(f"action server exited: {log.read_text()[-2000:]}")
            time.sleep(0.2)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        stop_group(process)


def stop_group(process: subprocess.Popen[bytes]) -> None:
    """Stop the server and every process it started (SIGTERM, then SIGKILL)."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            continue
        time.sleep(0.2)  # the group's other members exit after the manager
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        return


@pytest.fixture
def demo_orders(db: Database, bot_settings: Settings) -> None:
    """The standalone server reads the system clock: date the demo orders around today."""
    today = datetime.now(ZoneInfo(bot_settings.timezone)).date()
    with db.session() as session:
        load_demo_orders(session, bot_settings, today)


def call(action: str, text: str, intent: str, slots: dict[str, Any],
         attachments: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    parse = {"text": text, "intent": {"name": intent, "confidence": 0.95},
             "intent_ranking": [], "entities": [], "sensitive": [], "language": "zh-Hans"}
    tracker = tracker_dump("rasa-user-1", {"locale": "zh-Hans", **slots}, parse,
                           attachments or [])
    return {"next_action": action, "sender_id": "rasa-user-1", "tracker": tracker,
            "domain": DOMAIN, "version": "3.0.0"}


async def post(url: str, body: dict[str, Any]) -> dict[str, Any]:
    async with aiohttp.ClientSession() as http, http.post(f"{url}/webhook", json=body) as r:
        assert r.status == 200, await r.text()
        result: dict[str, Any] = await r.json()
        return result


def slots_set(result: dict[str, Any]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in result["events"] if e["event"] == "slot"}


VERIFIED = {"order_id": "2026110500008", "verified_order": "2026110500008"}


async def test_order_status_over_the_webhook(action_server: str) -> None:
    result = await post(action_server, call("action_order_status", "2026110500008", "inform",
                                            {"flow": "order_status", "order_id": "2026110500008",
                                             "phone": "7777"}))
    assert "SF5544332211" in result["responses"][0]["text"]
    assert slots_set(result)["verified_order"] == "2026110500008"
    assert slots_set(result)["flow"] is None


async def test_action_server_runs_order_status_without_a_model_file(
        action_server_without_model: str) -> None:
    result = await post(action_server_without_model, call(
        "action_order_status", "2026110500008", "inform",
        {"flow": "order_status", "order_id": "2026110500008", "phone": "7777"}))
    assert "SF5544332211" in result["responses"][0]["text"]
    assert slots_set(result)["verified_order"] == "2026110500008"


async def test_order_status_without_an_order_asks_for_it(action_server: str) -> None:
    result = await post(action_server, call("action_order_status", "查订单", "order_status",
                                            {"flow": "order_status"}))
    assert "订单号" in result["responses"][0]["text"]
    assert slots_set(result)["requested_slot"] == "order_id"


async def test_return_eligibility_over_the_webhook(action_server: str) -> None:
    result = await post(action_server, call(
        "action_check_return_eligibility", "5678", "inform",
        {"flow": "return", "request_kind": "return", "order_id": "2026110500001",
         "verified_order": "2026110500001"}))
    assert "RMA" in result["responses"][0]["text"]
    decision = slots_set(result)["findings"]["decision"]
    assert decision["outcome"] == "no_reason_return"


async def test_evidence_collection_over_the_webhook(action_server: str) -> None:
    photo = {"data": base64.b64encode(image_bytes()).decode()}
    result = await post(action_server, call(
        "action_collect_evidence", "", "inform",
        {"flow": "evidence", "issue": "shipping_damage", "order_id": "2026110500013",
         "verified_order": "2026110500013"}, [photo]))
    assert "还需要" in result["responses"][0]["text"]
    assert set(slots_set(result)["evidence"]) == {"product"}


async def test_faq_over_the_webhook(action_server: str) -> None:
    result = await post(action_server, call("action_faq", "怎么开发票", "invoice_request", {}))
    assert "电子发票" in result["responses"][0]["text"]
    assert result["responses"][0]["buttons"][0]["payload"] == "/handoff:not_helpful"


async def test_handoff_over_the_webhook(action_server: str) -> None:
    result = await post(action_server, call("action_handoff", "转人工", "request_human",
                                            {"handoff_rule": "human_request"}))
    assert slots_set(result)["case_number"]
    assert result["responses"]
