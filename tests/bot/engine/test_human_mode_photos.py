"""Point 5: a photo the customer sends while a human works the case becomes an evidence row on
that case (the agent's evidence list and thumbnail), and no photo file is on disk without its
row. On both engines, through the web chat."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from handoff.agents.views import case_detail
from handoff.store.db import Database
from handoff.store.models import Case, Evidence
from tests.bot.chat import Chat
from tests.bot.conftest import image_bytes


async def test_a_photo_in_human_mode_is_evidence_on_the_open_case(
        chat: Chat, db: Database) -> None:
    await chat.say("我要找人工客服")
    number = chat.conversation["case_number"]
    assert chat.conversation["mode"] == "human" and number
    await chat.send_photo(image_bytes(color="blue"), text="这是坏掉的地方")
    assert chat.status == 200
    with db.session() as session:
        case = session.scalars(select(Case).where(Case.number == number)).one()
        rows = session.scalars(select(Evidence)).all()
        assert [row.case_id for row in rows] == [case.id]
        evidence = case_detail(session, case)["evidence"]
    assert len(evidence) == 1 and evidence[0]["id"] == rows[0].id  # the console's thumbnail


async def test_no_photo_file_is_on_disk_without_its_evidence_row(
        chat: Chat, db: Database) -> None:
    await chat.say("怎么开发票")  # a bot turn that never asked for photos
    await chat.send_photo(image_bytes(color="green"))
    await chat.say("我要找人工客服")
    await chat.send_photo(image_bytes(color="red"))
    evidence_dir = chat.runtime.settings.evidence_dir
    files = {p for p in Path(evidence_dir).rglob("*") if p.is_file()}
    with db.session() as session:
        uris = set(session.scalars(select(Evidence.uri)))
    assert len(files) == 2 and len(uris) == 2
