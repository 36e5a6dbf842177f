"""Every reply template exists in zh-Hans, zh-Hant and en, and uses only variables its action
supplies: the contexts are recorded from real conversations, then every locale's template is
checked against them (StrictUndefined would fail the render otherwise)."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator
from typing import Any

import pytest
from jinja2 import meta

from bot.engine import Bot
from bot.messages import Attachment, AttachmentKind, InboundMessage
from bot.runtime import build_runtime
from handoff.config.replies import LOCALES, OVERLAYS, Replies
from handoff.config.templating import environment
from handoff.store.db import Database
from tests.bot.chat import Chat
from tests.bot.conftest import image_bytes


@pytest.fixture
def db(sqlite_store: Database) -> Database:
    """Engine-independent behaviour: SQLite only (see test_conversations for both engines)."""
    return sqlite_store

OWN = "handoff_"  # the handoff desk's templates are checked by its own tests


def names(replies: Replies, locale: str) -> set[str]:
    return {n for n in replies.names(locale) if not n.startswith((OWN, "_"))}


def test_every_template_exists_in_every_locale(runtime: Any) -> None:
    replies = runtime.replies
    reference = names(replies, "zh-Hans")
    assert reference
    for locale in LOCALES:
        assert names(replies, locale) == reference, locale


@pytest.fixture
def recorded(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, set[str]]]:
    seen: dict[str, set[str]] = {}
    original = Replies.render

    def render(self: Replies, template: str, locale: str, /, **context: Any) -> str:
        seen.setdefault(template, set()).update(context, {"shop_name", "timezone"})
        return original(self, template, locale, **context)

    monkeypatch.setattr(Replies, "render", render)
    yield seen


async def run_every_branch(chat: Chat) -> None:
    script: list[tuple[str, list[str]]] = [
        ("a", ["你好", "谢谢", "好的", "不用", "再见", "asdf qwer", "你们招人吗", "2026110500001"]),
        ("b", ["我的订单到哪了", "嗯", "2026999999999", "2026999999998"]),
        ("c", ["我的订单到哪了", "2026110500008", "1", "0000", "0001", "0002"]),
        ("d", ["我要退货", "怎么开发票", "稍等", "算了"]),
        ("e", ["我要退货", "2026110500001", "5678"]),
        ("f", ["我要退货", "2026110500002", "4321"]),
        ("g", ["我要退款", "2026110500004", "6666"]),
        ("h", ["我要退货", "2026110500006", "2222"]),
        ("i", ["我要退货", "2026110500005", "3333"]),
        ("j", ["耳机坏了，我要换货", "2026110500003", "1111"]),
        ("n", ["我要换货", "2026110500001", "5678", "换个尺码"]),
        ("o", ["东西寄错了", "2026110500013", "8888"]),
        ("p", ["三天了都没人理我，我的快递到底到哪了"]),
        ("q", ["怎么开发票", "怎么开发票"]),
        ("k", ["查询订单", "ok", "ok", "ok"]),
        ("l", ["查询订单", "2026110500008", "7777"]),
        ("m", ["我的快递到哪了，另外我想退货"]),
        ("r", ["我的快递到菜鸟驿站了吗", "2026110500018", "8888"]),
        ("s", ["东西寄错了", "2026110500013", "8888", "赔我 10 块"]),  # within L1 authority
        ("t", ["赔我 300"]),  # above it: a specialist approves
        # Refusals: a refund instead (return, defect), none allowed, above the L1 limit.
        ("refusal-return", ["卫衣小了，想换个大一号的", "2026110500001", "5678",
                            "我不要换货，我要退款", "好的"]),
        ("refusal-defect", ["电饭煲坏了，想换一个", "2026110500013", "8888", "不要换货，直接退款"]),
        ("refusal-none", ["耳机坏了，我要换货", "2026110500003", "1111", "我不要换货"]),
        ("refusal-limit", ["扫地机器人颜色不喜欢，想换个颜色", "2026110500005", "3333",
                           "不换了，退钱吧"]),
    ]
    for user, lines in script:
        chat.user_id = user
        for line in lines:
            await chat.say(line)
    await wait_for_a_person(chat)
    chat.user_id = "photos"
    await chat.send_photo(image_bytes())
    await chat.say("收到的东西被压坏了")
    await chat.say("2026110500013")
    await chat.say("8888")
    for color in ("red", "blue", "green"):
        await chat.send_photo(image_bytes(color=color))
    # A channel that forwards documents (Telegram, LINE): refused politely by the engine.
    document = Attachment(AttachmentKind.FILE, "application/pdf", b"%PDF-1.4")
    await asyncio.to_thread(Bot(chat.runtime).handle, InboundMessage(
        "telegram", "tg-1", attachments=(document,), update_id="1"))
    await look_up_with_the_order_system_down(chat)


async def wait_for_a_person(chat: Chat) -> None:
    """Human mode before an agent answers: acknowledged, told the time, offered to close."""
    chat.user_id = "waiting"
    for line in ("我要找人工客服", "补充一下，盒子压坏了", "还要等多久", "不用了"):
        await chat.say(line)
    await chat.press("继续等待")
    await chat.say("不用了")
    await chat.press("关闭工单")


async def look_up_with_the_order_system_down(chat: Chat) -> None:
    """The shop's order API (http source) on a port where nothing listens."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings = chat.runtime.settings.model_copy(update={"order_source": "http"})
    orders_file = settings.var_dir / "orders_down.yml"
    orders_file.parent.mkdir(parents=True, exist_ok=True)
    orders_file.write_text(f'http: {{url_template: "http://127.0.0.1:{port}/{{order_id}}", '
                           'fields: {order_id: $.id}}\n', encoding="utf-8")
    settings = settings.model_copy(update={"orders_integration_file": orders_file})
    runtime = chat.runtime
    chat.make_runtime = lambda: build_runtime(settings, runtime.clock,
                                              database=Database(settings.database_url),
                                              models=runtime.models)
    await chat.restart()
    chat.user_id = "down"
    await chat.say("我的订单到哪了")
    await chat.say("2026110500008")


async def test_templates_use_only_what_the_actions_supply(
        chat: Chat, recorded: dict[str, set[str]]) -> None:
    await run_every_branch(chat)
    replies = chat.runtime.replies
    env = environment(replies.templates_dir)
    unused = names(replies, "zh-Hans") - set(recorded)
    assert unused == set(), f"never rendered by the script: {unused}"
    for template, supplied in recorded.items():
        for locale in (*LOCALES, *OVERLAYS):
            path = f"replies/{locale}/{template}.txt"
            if locale in OVERLAYS and not (replies.templates_dir / path).is_file():
                continue  # the overlay falls back to its base locale's template
            source = env.loader.get_source(env, path)[0]  # type: ignore[union-attr]
            used = meta.find_undeclared_variables(env.parse(source)) - {"loop"}
            assert used <= supplied, f"{path} uses {used - supplied}"
