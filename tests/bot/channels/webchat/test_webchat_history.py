"""The widget after a page reload, and the widget on a shop's own site.

A customer asks for a person; agent 小美 takes the case and answers. The history the widget
loads after a reload holds both sides, the agent's name on her reply and the moment she joined;
polling resumes after it without repeating anything. ``embed.js`` carries the bubble's words in
every locale; the framed page talks only to a configured shop origin.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bot.channels.webchat.words import load_words
from handoff.config.paths import default_templates_dir
from handoff.config.settings import Settings
from handoff.config.yamlfile import ConfigFileError
from handoff.store.clock import ManualClock
from handoff.store.db import Database
from tests.bot.channels.webchat.agent_desk import claim, hire, latest_case, reply
from tests.bot.chat import Chat

SHOP = "https://shop.example"
HISTORY = "/webchat/api/history"


@pytest.fixture
def db(sqlite_store: Database) -> Database:
    return sqlite_store


@pytest.fixture
def bot_settings(db: Database, tmp_path: Path, nlu_model_path: Path) -> Settings:
    return Settings(var_dir=tmp_path / "var", database_url=db.url, nlu_model=nlu_model_path,
                    webchat_allowed_origins=(f"{SHOP}/",))


async def _history(chat: Chat, headers: dict[str, str] | None = None,
                   params: dict[str, str] | None = None) -> tuple[int, dict[str, Any]]:
    query = params if params is not None else {"user_id": chat.user_id}
    auth = headers if headers is not None else {"X-Webchat-Token": chat.tokens[chat.user_id]}
    async with chat.http.get(chat.url(HISTORY), params=query, headers=auth) as response:
        return response.status, json.loads(await response.text())


async def test_after_a_reload_the_history_shows_both_sides_the_agents_name_and_her_joining(
        chat: Chat, clock: ManualClock) -> None:
    await chat.say("我要转人工客服")
    assert chat.conversation["mode"] == "human"
    number = latest_case(chat.runtime)
    mei = hire(chat.runtime, "mei", "小美", clock.now())
    claim(chat.runtime, mei, number)
    reply(chat.runtime, mei, number, "您好，我是小美，马上为您处理")

    status, body = await _history(chat)

    assert status == 200
    lines = [(m["author"], m["text"], m["agent_name"]) for m in body["messages"]]
    assert lines[0] == ("customer", "我要转人工客服", "")
    assert lines[-1] == ("agent", "您好，我是小美，马上为您处理", "小美")
    assert [j["agent"] for j in body["joins"]] == ["小美"]
    assert body["conversation"]["agent"] == "小美"
    assert body["cursor"] == body["messages"][-1]["id"]
    polled = await chat.poll(after=body["cursor"])
    assert polled["messages"] == [] and [j["agent"] for j in polled["joins"]] == ["小美"]


async def test_the_history_is_only_for_the_tokens_owner(chat: Chat) -> None:
    await chat.say("你好")
    assert (await _history(chat, headers={}))[0] == 401
    assert (await _history(chat, headers={"X-Webchat-Token": "wrong"}))[0] == 401
    token = chat.tokens[chat.user_id]
    status, body = await _history(chat, params={"user_id": chat.user_id, "token": token})
    assert status == 400 and "header" in body["error"]
    assert (await _history(chat, params={}))[0] == 400


async def test_embed_script_carries_the_bubble_words_of_every_locale(chat: Chat) -> None:
    async with chat.http.get(chat.url("/webchat/embed.js")) as response:
        script = await response.text()
        assert response.status == 200
        assert response.content_type == "application/javascript"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    words = json.loads(script.split("const WORDS = ")[1].split(";\n")[0])
    assert {locale: w["open_chat"] for locale, w in words.items()} == {
        "zh-Hans": "打开在线客服", "zh-Hant": "開啟線上客服", "en": "Open customer service chat"}


@pytest.mark.parametrize(("host", "told"), [(SHOP, SHOP), ("https://evil.example", "")])
async def test_the_framed_page_talks_only_to_a_configured_shop_origin(
        chat: Chat, host: str, told: str) -> None:
    params = {"embed": "1", "locale": "zh-Hant", "host": host}
    async with chat.http.get(chat.url("/webchat/"), params=params) as response:
        html = await response.text()
        csp = response.headers["Content-Security-Policy"]
    assert f"const HOST = {json.dumps(told)};" in html
    assert f"frame-ancestors {SHOP}" in csp and "evil" not in csp
    assert "線上客服" in html and "在线客服" not in html


async def test_the_header_speaks_one_language(chat: Chat) -> None:
    for locale, foreign in (("en", "客服"), ("zh-Hans", "After-sales"), ("zh-Hant", "agent")):
        async with chat.http.get(chat.url("/webchat/"), params={"locale": locale}) as response:
            html = await response.text()
        header = html.split("<header>")[1].split("</header>")[0]
        assert foreign not in header, (locale, header)
        words = json.loads(html.split("const WORDS = ")[1].split(";\n")[0])
        assert foreign not in words["status_waiting"] + words["title"]


def test_a_locale_missing_a_word_is_refused_at_start_up(tmp_path: Path) -> None:
    source = (default_templates_dir() / "webchat" / "words.yml").read_text(encoding="utf-8")
    (tmp_path / "webchat").mkdir()
    (tmp_path / "webchat" / "words.yml").write_text(
        source.replace("  agent_joined: \"{name} 已加入對話\"\n", ""), encoding="utf-8")
    assert load_words(default_templates_dir(), "zh-Hans").of("zh-Hant")["agent_joined"]
    with pytest.raises(ConfigFileError, match=r"zh-Hant.*agent_joined"):
        load_words(tmp_path, "zh-Hans")
