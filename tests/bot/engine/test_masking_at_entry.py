"""Point 4: identifiers a customer types — mainland and Taiwan phones in any spacing, a national
ID, a bank card — are masked before anything is written. A scan of every column of every table
(and the log output) finds none of them in full; the identity check still works (on the keyed
digest); order numbers, dates and amounts stay intact. On both engines."""

from __future__ import annotations

import logging
import re

import pytest
from sqlalchemy import select

from bot.channels.inbox import EventInbox
from handoff.config.paths import default_training_data_dir
from handoff.config.privacy import load_masker
from handoff.store.clock import ManualClock
from handoff.store.db import Database
from handoff.store.inbox import InboundEvent
from handoff.store.models import Base, ChannelInboxEntry, Message
from tests.bot.chat import Chat

SECRETS = ["13812345678", "0912345678", "912345678", "11010519491231002X", "4111111111111111",
           "A123456789"]


def _every_value(db: Database) -> list[str]:
    values = []
    with db.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            for row in conn.execute(table.select()):
                values.extend(str(value) for value in row if value is not None)
    return values


def _compact(text: str) -> str:
    return re.sub(r"[\s\-.]", "", text)


async def test_typed_phones_ids_and_cards_are_stored_nowhere_in_full(
        chat: Chat, db: Database, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    await chat.say("我的订单 2026110500001 到哪了")
    await chat.say("我的手机是 138 1234 5678")
    assert "顺丰" in chat.text or "SF" in chat.text, "the identity check passed on the digest"
    await chat.say("还有台湾的号码 0912-345-678，身份证11010519491231002X")
    await chat.say("退款到卡号 4111 1111 1111 1111 吧，身分證A123456789，2026-11-05 付了 599 元")
    values = [_compact(value) for value in _every_value(db)]
    logs = _compact(caplog.text)
    for secret in SECRETS:
        assert not [v for v in values if secret in v], secret
        assert secret not in logs, secret
    with db.session() as session:
        texts = [m.text for m in session.scalars(select(Message))]
    joined = "\n".join(texts)
    assert "138****5678" in joined and "2026110500001" in joined
    assert "2026-11-05" in joined and "599" in joined


@pytest.mark.parametrize(("typed", "kept"), [
    ("订单2026110500001", "2026110500001"), ("SO2026110512345", "SO2026110512345"),
    ("日期 2026-11-05 / 20261105", "2026-11-05 / 20261105"), ("金额 1380.50 元", "1380.50"),
    ("运单 SF1234567890123", "SF1234567890123"), ("RMA2026110001", "RMA2026110001"),
    ("tracking 773012345678901", "773012345678901"),
])
def test_order_numbers_dates_amounts_and_tracking_numbers_are_never_masked(
        typed: str, kept: str) -> None:
    masker = load_masker(default_training_data_dir() / "privacy" / "identifiers.yml")
    assert kept in masker.mask(typed)


@pytest.mark.parametrize(("typed", "masked"), [
    ("13812345678", "138****5678"), ("+86 138-1234-5678", "5678"), ("0912 345 678", "091***5678"),
    ("+886-912-345-678", "5678"), ("+852 6123 4567", "4567"), ("+44 20 7946 0958", "0958"),
    ("11010519491231002X", "**************002X"), ("A123456789", "******6789"),
    ("6222 0212 3456 7890 128", "0128"),
])
def test_phones_ids_and_cards_are_masked_in_any_spacing(typed: str, masked: str) -> None:
    masker = load_masker(default_training_data_dir() / "privacy" / "identifiers.yml")
    result = masker.mask(f"号码{typed}。")
    assert masked in result and _compact(typed) not in _compact(result)


async def test_the_channel_inbox_payload_is_redacted_when_the_event_is_processed(
        db: Database, clock: ManualClock) -> None:
    masker = load_masker(default_training_data_dir() / "privacy" / "identifiers.yml")
    inbox = EventInbox(db, clock, "line", redact=masker.mask_value)
    raw = {"events": [{"message": {"type": "text", "text": "电话13812345678 订单2026110500001"}}]}
    await inbox.store([InboundEvent("line:e1", "U1", raw)])
    [pending] = await inbox.lease()
    assert "13812345678" in str(pending.payload), "kept in full until the turn is done"
    await inbox.processed(pending)
    with db.session() as session:
        stored = str(session.scalars(select(ChannelInboxEntry)).one().payload)
    assert "13812345678" not in stored and "138****5678" in stored and "2026110500001" in stored
