"""Order status from where the orders live: the shop's own API (``http``) and Shopify, each a
real HTTP server on loopback. When the source cannot answer, the customer is told the order
cannot be looked up right now and offered a person: never a guess, an error text or a 500."""

from __future__ import annotations

import json
import socket
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestServer

from bot.model_holder import ModelHolder
from bot.runtime import Runtime, build_runtime
from handoff.config.paths import default_training_data_dir
from handoff.config.settings import Settings
from handoff.config.yamlfile import load_yaml
from handoff.store.clock import ManualClock
from handoff.store.db import Database
from tests.bot.chat import Chat
from tests.bot.integrations.standins import ShopApi, ShopifyAdmin, serve

UNAVAILABLE = "暂时查询不到"
HUMAN = "/handoff:order_lookup_unavailable"


def integration_file(tmp_path: Path, **http: Any) -> Path:
    """The shipped orders.yml with the stand-in's URL (JSON is YAML too)."""
    data = load_yaml(default_training_data_dir() / "integrations" / "orders.yml")
    data["http"].update(http)
    path = tmp_path / "orders.yml"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def runtime_factory(db: Database, tmp_path: Path, nlu_model_path: Path, clock: ManualClock,
                    models: ModelHolder, **source: Any) -> Callable[[], Runtime]:
    settings = Settings(var_dir=tmp_path / "var", database_url=db.url,
                        nlu_model=nlu_model_path, **source)
    return lambda: build_runtime(settings, clock, database=Database(db.url), models=models)


@pytest.fixture
async def shop_api() -> AsyncIterator[tuple[ShopApi, TestServer]]:
    api = ShopApi()
    server = await serve(api.app())
    yield api, server
    await server.close()


async def http_chat(url: str, db: Database, tmp_path: Path, nlu_model_path: Path,
                    clock: ManualClock, models: ModelHolder, **http: Any) -> Chat:
    orders_file = integration_file(tmp_path, url_template=url + "/api/orders/{order_id}",
                                   timeout_seconds=0.5, **http)
    chat = Chat(runtime_factory(db, tmp_path, nlu_model_path, clock, models,
                                order_source="http", orders_integration_file=orders_file,
                                order_api_token="s3cret"))
    await chat.start()
    return chat


async def ask_for(chat: Chat, order_id: str = "2026120300001") -> None:
    await chat.say("我的订单到哪了")
    assert "订单号" in chat.text
    await chat.say(order_id)
    assert chat.status == 200


async def test_http_source_answers_order_status_after_the_phone_check(
        shop_api: tuple[ShopApi, TestServer], db: Database, tmp_path: Path,
        nlu_model_path: Path, clock: ManualClock, models: ModelHolder) -> None:
    api, server = shop_api
    chat = await http_chat(str(server.make_url("")).rstrip("/"), db, tmp_path, nlu_model_path,
                           clock, models)
    try:
        await ask_for(chat)
        assert "后 4 位" in chat.text and "SF9988776655" not in chat.text
        await chat.say("5678")
        assert "SF9988776655" in chat.text and "顺丰速运" in chat.text
        assert api.token_seen[0] == "Bearer s3cret"
        assert api.calls == 1  # the second lookup came from the cache
    finally:
        await chat.stop()


@pytest.mark.parametrize("mode", ["slow", "garbage", "nonsense"])
async def test_http_source_that_times_out_or_answers_nonsense_gets_the_cannot_look_up_reply(
        mode: str, shop_api: tuple[ShopApi, TestServer], db: Database, tmp_path: Path,
        nlu_model_path: Path, clock: ManualClock, models: ModelHolder) -> None:
    api, server = shop_api
    api.mode = mode
    chat = await http_chat(str(server.make_url("")).rstrip("/"), db, tmp_path, nlu_model_path,
                           clock, models)
    try:
        await ask_for(chat)
        assert UNAVAILABLE in chat.text and HUMAN in chat.buttons.values()
        assert "maintenance" not in chat.text and "Error" not in chat.text
        await chat.say("转人工", payload=HUMAN)
        assert chat.status == 200 and chat.conversation["mode"] == "human"
    finally:
        await chat.stop()


async def test_http_404_is_an_unknown_order_or_unavailable_as_configured(
        shop_api: tuple[ShopApi, TestServer], db: Database, tmp_path: Path,
        nlu_model_path: Path, clock: ManualClock, models: ModelHolder) -> None:
    api, server = shop_api
    api.mode = "404"
    base = str(server.make_url("")).rstrip("/")
    chat = await http_chat(base, db, tmp_path, nlu_model_path, clock, models)
    try:
        await ask_for(chat)
        assert "没有找到订单号 2026120300001" in chat.text
        assert UNAVAILABLE not in chat.text
    finally:
        await chat.stop()
    chat = await http_chat(base, db, tmp_path, nlu_model_path, clock, models,
                           on_404="unavailable")
    chat.user_id = "web-user-2"
    try:
        await ask_for(chat)
        assert UNAVAILABLE in chat.text and HUMAN in chat.buttons.values()
    finally:
        await chat.stop()


async def test_http_source_that_is_down_gets_the_cannot_look_up_reply(
        db: Database, tmp_path: Path, nlu_model_path: Path, clock: ManualClock,
        models: ModelHolder) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # nothing listens here once the socket is closed
    chat = await http_chat(f"http://127.0.0.1:{port}", db, tmp_path, nlu_model_path, clock,
                           models)
    try:
        await ask_for(chat)
        assert chat.status == 200
        assert UNAVAILABLE in chat.text and HUMAN in chat.buttons.values()
    finally:
        await chat.stop()


async def test_shopify_order_status_conversation_end_to_end(
        db: Database, tmp_path: Path, nlu_model_path: Path, clock: ManualClock,
        models: ModelHolder) -> None:
    admin = ShopifyAdmin()
    server = await serve(admin.app())
    chat = Chat(runtime_factory(db, tmp_path, nlu_model_path, clock, models,
                                order_source="shopify",
                                shopify_shop_url=str(server.make_url("")).rstrip("/"),
                                shopify_access_token=admin.token))
    await chat.start()
    try:
        await ask_for(chat, "2026120300002")
        assert "后 4 位" in chat.text
        await chat.say("0000")
        assert "不一致" in chat.text and "1Z999AA10123456784" not in chat.text
        await chat.say("0123")
        assert "1Z999AA10123456784" in chat.text and "UPS" in chat.text
        assert admin.queries[0]["variables"] == {"query": "name:#2026120300002"}
        await chat.say("2026120300999")
        assert UNAVAILABLE not in chat.text and chat.status == 200
    finally:
        await chat.stop()
        await server.close()
