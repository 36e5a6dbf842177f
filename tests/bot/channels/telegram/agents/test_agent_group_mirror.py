"""The agent group's bookkeeping on both engines: one topic per case, every post queued once,
and what an unlinked or a second agent writes in a topic changes nothing."""

from __future__ import annotations

from click.testing import CliRunner
from sqlalchemy import select

from bot.cli import cli
from handoff.agents.mirror import AgentGroupTexts, TopicMirror
from handoff.agents.service import AgentService
from handoff.agents.topic_actions import TopicActions, TopicPost
from handoff.config.settings import Settings
from handoff.desk.desk import Desk
from handoff.desk.sweeper import Sweeper
from handoff.ports import BotFindings
from handoff.store.clock import ManualClock
from handoff.store.db import Database
from handoff.store.models import Agent, AgentRole, Case, CaseTopic, Customer
from handoff.store.models.chat import Conversation, Evidence, Message, OutboxMessage
from handoff.store.models.enums import Author, Direction, EvidenceKind

CHAT = -1009876543210
CHANNEL = "telegram-agents"


def handed_off_case(db: Database, desk: Desk, clock: ManualClock) -> Case:
    with db.session() as s:
        customer = Customer(channel="telegram", external_id="77", display_name="林怡君",
                            created_at=clock.now())
        s.add(customer)
        s.flush()
        conversation = Conversation(customer_id=customer.id, channel="telegram",
                                    locale="zh-Hant", state={}, created_at=clock.now(),
                                    updated_at=clock.now())
        s.add(conversation)
        s.flush()
        s.add(Evidence(conversation_id=conversation.id, kind=EvidenceKind.PRODUCT,
                       uri="evidence:ab/photo.jpg", content_type="image/jpeg", size=10,
                       sha256="0" * 64, created_at=clock.now()))
        desk.hand_off(s, conversation, desk.request_for("human_request"), BotFindings())
        return s.scalars(select(Case)).one()


def customer_says(db: Database, case: Case, text: str, clock: ManualClock) -> None:
    with db.session() as s:
        s.add(Message(conversation_id=case.conversation_id, case_id=case.id,
                      direction=Direction.INBOUND, author=Author.CUSTOMER, channel="telegram",
                      text=text, attachments=[], payload={}, created_at=clock.now()))


def topic_posts(db: Database) -> list[OutboxMessage]:
    with db.session() as s:
        return list(s.scalars(select(OutboxMessage).where(OutboxMessage.channel == CHANNEL)
                              .order_by(OutboxMessage.id)))


def test_each_item_reaches_the_topic_once_however_often_the_mirror_runs(
        db: Database, db_settings: Settings, clock: ManualClock) -> None:
    desk = Desk(db_settings, clock)
    mirror = TopicMirror(CHAT, CHANNEL, AgentGroupTexts(db_settings.templates_dir, "en"))
    case = handed_off_case(db, desk, clock)

    with db.session() as s:
        [pending] = mirror.reserve(s, clock.now())
    with db.session() as s:
        [again] = mirror.reserve(s, clock.now())  # the platform call failed: same row again
        mirror.opened(s, again.topic_id, 3141592653, clock.now())
        assert mirror.reserve(s, clock.now()) == []
    assert pending == again and pending.name == f"{case.number} · {case.priority}"

    customer_says(db, case, "還要多久？電話 0912345678", clock)
    clock.advance(hours=5)
    for _ in range(2):
        with db.session() as s:
            Sweeper(desk).sweep(s)
            mirror.sync(s, clock.now())

    posts = topic_posts(db)
    assert [p.recipient for p in posts] == [f"{CHAT}/3141592653"] * 4
    summary, photo, message, alert = (p.payload for p in posts)
    assert summary["text"].startswith(f"Case {case.number}")
    assert photo["evidence"] == [{"uri": "evidence:ab/photo.jpg", "content_type": "image/jpeg"}]
    assert "還要多久" in message["text"] and "0912345678" not in message["text"]
    assert "overdue_first" in alert["text"] and "supervisor" in alert["text"]


def test_unlinked_user_and_second_agent_change_nothing_in_the_case(
        db: Database, db_settings: Settings, clock: ManualClock) -> None:
    desk = Desk(db_settings, clock)
    texts = AgentGroupTexts(db_settings.templates_dir, "en")
    mirror = TopicMirror(CHAT, CHANNEL, texts)
    actions = TopicActions(AgentService(desk), mirror, texts)
    case = handed_off_case(db, desk, clock)
    with db.session() as s:
        for name, user in (("wang", 11), ("li", 12)):
            s.add(Agent(name=name, role=AgentRole.AGENT, queues=[case.queue],
                        telegram_user_id=user, created_at=clock.now()))
        [pending] = mirror.reserve(s, clock.now())
        mirror.opened(s, pending.topic_id, 9, clock.now())

    def post(user: int, text: str, key: str) -> str | None:
        with db.session() as s:
            return actions.handle(s, TopicPost(9, user, text, key), clock.now())

    assert "link-telegram" in (post(99, "hi", "k1") or "")
    assert "claim" in (post(11, "/claim", "k2") or "")
    assert "claimed by wang" in (post(12, "let me answer", "k3") or "")
    assert post(11, "/claim", "k2") is None  # a redelivered post does nothing
    with db.session() as s:
        assert s.scalars(select(CaseTopic)).one().message_thread_id == 9
        replies = s.scalars(select(Message).where(Message.author == Author.AGENT)).all()
    assert replies == []


def test_agents_link_telegram_links_one_account_to_one_agent(
        db: Database, db_settings: Settings, clock: ManualClock) -> None:
    with db.session() as s:
        for name in ("wang", "li"):
            s.add(Agent(name=name, role=AgentRole.AGENT, queues=["L2"], created_at=clock.now()))

    linked = CliRunner().invoke(cli, ["agents", "link-telegram", "wang", "5001"],
                                obj=db_settings)
    taken = CliRunner().invoke(cli, ["agents", "link-telegram", "li", "5001"], obj=db_settings)
    unknown = CliRunner().invoke(cli, ["agents", "link-telegram", "zhao", "5003"],
                                 obj=db_settings)

    assert linked.exit_code == 0, linked.output
    assert taken.exit_code == 1 and "linked to wang" in taken.output
    assert unknown.exit_code == 1 and "no agent named 'zhao'" in unknown.output
    with db.session() as s:
        ids = dict(s.execute(select(Agent.name, Agent.telegram_user_id)).all())
    assert ids == {"wang": 5001, "li": None}
