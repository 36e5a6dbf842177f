"""SOP: a new P1 case and every overdue step (红头工单) are e-mailed to the supervisors, through
the outbox, to a real SMTP server on loopback (aiosmtpd). A server that is down gets the mail
once it is back, exactly once; an address the server refuses for good is not retried."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest
from pydantic import SecretStr
from sqlalchemy import select

from bot.channels.email.mail import AlertWording
from bot.channels.email.smtp import SmtpSender, parse_smtp_url
from handoff.config.settings import Settings
from handoff.desk.desk import Desk
from handoff.desk.sweeper import Sweeper
from handoff.ports import BotFindings
from handoff.routing.alerts import EMAIL_CHANNEL
from handoff.store.clock import ManualClock
from handoff.store.db import Database
from handoff.store.models import OutboxMessage, OutboxStatus
from handoff.store.models.cases import Case
from handoff.store.outbox import OutboxWorker
from tests.bot.channels.email.smtp_peer import Mailbox, free_port, start_smtp
from tests.handoff.handoff_shop import Shop

SUPERVISORS = ("lead@shop.example", "ops@shop.example")


@pytest.fixture
def port() -> int:
    return free_port()


@pytest.fixture
def mail_settings(db_settings: Settings, port: int) -> Settings:
    return db_settings.model_copy(update={
        "smtp_url": SecretStr(f"smtp://127.0.0.1:{port}"), "smtp_from": "bot@shop.example",
        "supervisor_emails": SUPERVISORS, "public_url": "https://help.shop.example"})


@pytest.fixture
def mailbox(port: int) -> Iterator[Mailbox]:
    box = Mailbox()
    controller = start_smtp(port, box)
    yield box
    controller.stop()


def _worker(db: Database, clock: ManualClock, settings: Settings) -> OutboxWorker:
    assert settings.smtp_url is not None
    wording = AlertWording(settings.templates_dir, settings.timezone, settings.public_url)
    sender = SmtpSender(parse_smtp_url(settings.smtp_url.get_secret_value()),
                        settings.smtp_from, wording, timeout=5)
    return OutboxWorker(db, clock, {EMAIL_CHANNEL: sender})


def _open_case(db: Database, clock: ManualClock, settings: Settings, rule: str,
               issue: str) -> Case:
    desk = Desk(settings, clock)
    with db.session() as session:
        conversation = Shop(db, clock, settings).customer(session)
        desk.hand_off(session, conversation, desk.request_for(rule), BotFindings(issue=issue))
        return session.scalars(select(Case)).one()


def _rows(db: Database) -> list[OutboxMessage]:
    with db.session() as session:
        rows = list(session.scalars(select(OutboxMessage)
                                    .where(OutboxMessage.channel == EMAIL_CHANNEL)
                                    .order_by(OutboxMessage.id)))
        session.expunge_all()
        return rows


async def test_new_p1_case_mails_every_supervisor_in_chinese(
        db: Database, clock: ManualClock, mail_settings: Settings, mailbox: Mailbox) -> None:
    case = _open_case(db, clock, mail_settings, "sensitive_legal", "quality_issue")
    assert case.priority == "P1"
    assert [r.recipient for r in _rows(db)] == list(SUPERVISORS)

    assert await _worker(db, clock, mail_settings).run_once() == 2

    assert sorted(m["To"] for m in mailbox.received) == sorted(SUPERVISORS)
    mail = mailbox.received[0]
    assert mail["Subject"] == f"【P1 紧急】新工单 {case.number}（{case.queue}）"
    assert mail["From"] == "bot@shop.example"
    body = mail.get_content()
    assert f"工单号：{case.number}" in body
    assert f"https://help.shop.example/console/cases/{case.number}" in body
    assert all(r.status == OutboxStatus.SENT for r in _rows(db))


async def test_p2_case_mails_nobody_until_it_is_overdue_then_once_per_step(
        db: Database, clock: ManualClock, mail_settings: Settings, mailbox: Mailbox) -> None:
    settings = mail_settings.model_copy(update={"alert_locale": "en",
                                                "supervisor_emails": SUPERVISORS[:1]})
    case = _open_case(db, clock, settings, "human_request", "payment_issue")
    assert case.priority != "P1" and _rows(db) == []
    desk = Desk(settings, clock)

    clock.set(case.first_response_due or datetime.min)
    for _ in range(2):  # the second sweep in the same step queues nothing new
        with db.session() as session:
            Sweeper(desk).sweep(session)
    assert len(_rows(db)) == 1
    assert await _worker(db, clock, settings).run_once() == 1
    [mail] = mailbox.received
    assert mail["Subject"] == (f"[Overdue] {case.number}: first response overdue "
                               f"({case.priority})")
    assert "has not been answered within its first-response time" in mail.get_content()

    clock.advance(hours=settings.overdue_repeat_hours)
    with db.session() as session:
        Sweeper(desk).sweep(session)
    assert await _worker(db, clock, settings).run_once() == 1
    assert "Reminder 2." in mailbox.received[-1].get_content()


async def test_mail_to_a_server_that_is_down_is_delivered_once_after_it_comes_back(
        db: Database, clock: ManualClock, mail_settings: Settings, port: int) -> None:
    settings = mail_settings.model_copy(update={"supervisor_emails": SUPERVISORS[:1]})
    _open_case(db, clock, settings, "sensitive_legal", "quality_issue")
    worker = _worker(db, clock, settings)

    assert await worker.run_once() == 0  # nobody listens on the port
    [row] = _rows(db)
    assert row.status == OutboxStatus.PENDING and row.attempts == 1
    assert "unreachable" in row.last_error

    box = Mailbox()
    controller = start_smtp(port, box)
    try:
        assert await worker.run_once() == 0  # back, but the retry is not due yet (backoff)
        clock.advance(seconds=2)
        assert await worker.run_once() == 1
        assert await worker.run_once() == 0
        clock.advance(minutes=5)
        assert await worker.run_once() == 0
    finally:
        controller.stop()
    assert len(box.received) == 1
    [row] = _rows(db)
    assert row.status == OutboxStatus.SENT and row.attempts == 2


async def test_an_address_the_server_refuses_for_good_is_parked_not_retried(
        db: Database, clock: ManualClock, mail_settings: Settings, mailbox: Mailbox) -> None:
    mailbox.refuse.add(SUPERVISORS[1])
    _open_case(db, clock, mail_settings, "sensitive_media", "quality_issue")
    assert await _worker(db, clock, mail_settings).run_once() == 1
    statuses = {r.recipient: r.status for r in _rows(db)}
    assert statuses == {SUPERVISORS[0]: OutboxStatus.SENT, SUPERVISORS[1]: OutboxStatus.DEAD}


def test_without_smtp_settings_no_alert_mail_is_queued(
        db: Database, clock: ManualClock, db_settings: Settings) -> None:
    settings = db_settings.model_copy(update={"supervisor_emails": SUPERVISORS})
    _open_case(db, clock, settings, "sensitive_legal", "quality_issue")
    assert _rows(db) == []


@pytest.mark.parametrize(("url", "host", "port", "tls", "starttls", "user"), [
    ("smtp://mail.local", "mail.local", 25, False, False, ""),
    ("smtp://u%40x:pw@mail.local:587", "mail.local", 587, False, True, "u@x"),
    ("smtp://mail.local:2525?starttls=true", "mail.local", 2525, False, True, ""),
    ("smtps://mail.local", "mail.local", 465, True, False, ""),
])
def test_smtp_url_forms(url: str, host: str, port: int, tls: bool, starttls: bool,
                        user: str) -> None:
    server = parse_smtp_url(url)
    assert (server.host, server.port, server.implicit_tls, server.starttls, server.username) == (
        host, port, tls, starttls, user)


def test_an_smtp_url_that_is_not_one_is_refused() -> None:
    with pytest.raises(ValueError, match="smtp://host"):
        parse_smtp_url("http://mail.local")
