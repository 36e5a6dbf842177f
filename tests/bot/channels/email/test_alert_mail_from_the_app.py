"""End to end: the web app with AFTERSALES_SMTP_URL set. A web chat customer threatens to sue,
the case opens as P1, and the app's own outbox worker mails the supervisor (aiosmtpd on
loopback) without anyone calling it."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from handoff.config.settings import Settings
from handoff.store.db import Database
from tests.bot.channels.email.smtp_peer import Mailbox, free_port, start_smtp
from tests.bot.chat import Chat

LEAD = "lead@shop.example"


@pytest.fixture
def db(sqlite_store: Database) -> Database:
    return sqlite_store


@pytest.fixture
def mailbox() -> Iterator[tuple[Mailbox, int]]:
    box, port = Mailbox(), free_port()
    controller = start_smtp(port, box)
    yield box, port
    controller.stop()


@pytest.fixture
def bot_settings(db: Database, tmp_path: Path, nlu_model_path: Path,
                 mailbox: tuple[Mailbox, int]) -> Settings:
    return Settings(var_dir=tmp_path / "var", database_url=db.url, nlu_model=nlu_model_path,
                    smtp_url=SecretStr(f"smtp://127.0.0.1:{mailbox[1]}"),
                    supervisor_emails=(LEAD,), alert_locale="zh-Hant")


async def test_a_legal_threat_in_the_web_chat_mails_the_supervisor(
        chat: Chat, mailbox: tuple[Mailbox, int]) -> None:
    box, _ = mailbox
    await chat.say("再不退款我就去法院起诉你们")
    assert chat.conversation["priority"] == "P1"
    for _ in range(100):  # the app's outbox worker wakes when the turn commits
        if box.received:
            break
        await asyncio.sleep(0.05)
    [mail] = box.received
    assert mail["To"] == LEAD
    assert mail["Subject"].startswith(f"【P1 緊急】新工單 {chat.conversation['case_number']}")
