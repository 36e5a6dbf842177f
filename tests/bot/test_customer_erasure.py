"""Retention and erasure: after ``aftersales customer erase``, no row or file anywhere holds
the customer's text, photo or identifiers, and the report's figures are unchanged;
``customer export`` writes what is held as JSON; ``privacy purge`` empties old finished
conversations. On both engines, after a real web chat conversation."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from click.testing import CliRunner

from bot.cli import cli
from handoff.agents.reports import build_report
from handoff.privacy.erasure import purge_before
from handoff.store.clock import ManualClock
from handoff.store.db import Database
from handoff.store.models import Base
from tests.bot.chat import Chat
from tests.bot.conftest import image_bytes

SAID = ["我的订单 2026110500001 到哪了", "5678", "我要找人工客服", "盒子压坏了请看照片"]


async def _a_customer_with_a_case_and_a_photo(chat: Chat) -> None:
    for text in SAID:
        await chat.say(text)
    await chat.send_photo(image_bytes(color="purple"), text="压坏的角落")
    assert chat.conversation["case_number"]


def _everything(db: Database) -> str:
    values = []
    with db.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            for row in conn.execute(table.select()):
                values.extend(str(v) for v in row if v is not None)
    return "\n".join(values)


def _report(db: Database, clock: ManualClock) -> object:
    with db.session() as session:
        return build_report(session, clock.now() - timedelta(days=1),
                            clock.now() + timedelta(days=1))


def _run(chat: Chat, *args: str) -> str:
    result = CliRunner().invoke(cli, list(args), obj=chat.runtime.settings)
    assert result.exit_code == 0, result.output
    return result.output


async def test_erase_leaves_no_text_photo_or_identifier_and_the_figures_unchanged(
        chat: Chat, db: Database, clock: ManualClock) -> None:
    await _a_customer_with_a_case_and_a_photo(chat)
    before = _report(db, clock)
    held = _everything(db)
    assert chat.user_id in held and "盒子压坏了" in held and "138****5678" in held
    _run(chat, "customer", "erase", f"webchat:{chat.user_id}")
    after = _everything(db)
    for trace in (chat.user_id, "盒子压坏了", "压坏的角落", "138****5678", "王小明", "evidence:"):
        assert trace not in after, trace
    files = [p for p in Path(chat.runtime.settings.evidence_dir).rglob("*") if p.is_file()]
    assert files == []
    assert _report(db, clock) == before


async def test_export_writes_what_is_held_as_json(chat: Chat, tmp_path: Path) -> None:
    await _a_customer_with_a_case_and_a_photo(chat)
    target = tmp_path / "export.json"
    _run(chat, "customer", "export", f"webchat:{chat.user_id}", "--output", str(target))
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["identities"][0]["id"] == chat.user_id
    assert any("盒子压坏了" in m["text"] for m in data["messages"])
    assert data["cases"] and data["evidence"]


async def test_purge_empties_finished_conversations_past_retention_only(
        chat: Chat, db: Database, clock: ManualClock) -> None:
    await chat.say("怎么开发票")
    with db.session() as session:
        purge_before(session, clock.now() - timedelta(days=1))
    assert "怎么开发票" in _everything(db), "inside retention: kept"
    with db.session() as session:
        purge_before(session, clock.now() + timedelta(days=31))
    assert "怎么开发票" not in _everything(db)
    assert "purged before" in _run(chat, "privacy", "purge", "--older-than", "30")
