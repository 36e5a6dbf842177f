"""The agent group, transport-free: which cases need a forum topic, and what each topic still has
to show (the warm-handoff summary, evidence photos, customer messages in human mode, overdue
alerts for supervisors).

Every post is an outbox row (the channel that posts into the agent chat is a parameter), queued
in the same transaction that advances the topic's cursors, so a restart posts nothing twice and a
platform outage only delays the posts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from handoff.config.privacy import guard_text
from handoff.config.templating import environment
from handoff.desk.summary import summary_text
from handoff.store.models.cases import Case, CaseTopic, Notification
from handoff.store.models.chat import Evidence, Message
from handoff.store.models.enums import CaseStatus, Direction
from handoff.store.models.people import Customer
from handoff.store.outbox import enqueue

ALERT_KINDS = ("overdue_first", "overdue_resolve", "open_too_long")  # the sweeper's alerts
BATCH = 100  # items per kind and round; the rest follow in the next round


@dataclass(frozen=True)
class PendingTopic:
    """A reserved topic row the platform has not created yet."""

    topic_id: int
    case_number: str
    name: str


class AgentGroupTexts:
    """Renders templates/agent_group/<locale>/<name>.txt (the agents' language)."""

    def __init__(self, templates_dir: Path, locale: str) -> None:
        self.templates_dir = templates_dir
        self.locale = locale

    def text(self, template: str, /, **context: Any) -> str:
        found = environment(self.templates_dir).get_template(
            f"agent_group/{self.locale}/{template}.txt")
        return found.render(**context).strip()


def topic_name(case: Case) -> str:
    """``<case number> · <priority>`` (Telegram allows 128 characters)."""
    return f"{case.number} · {case.priority}"[:128]


class TopicMirror:
    """Brings the agent chat's topics up to date; every method runs in the caller's session."""

    def __init__(self, chat_id: int, channel: str, texts: AgentGroupTexts) -> None:
        self.chat_id = chat_id
        self._channel = channel
        self._texts = texts

    def reserve(self, session: Session, now: datetime, limit: int = 10) -> list[PendingTopic]:
        """Topics to create: rows left half-done by a crash, then open cases without a topic.

        A row is reserved (committed) before the platform call, so two rounds never create a
        topic for the same case; only a crash between the call and `opened` can repeat it."""
        unopened = select(Case.id).outerjoin(CaseTopic, CaseTopic.case_id == Case.id).where(
            CaseTopic.id.is_(None), Case.status != CaseStatus.RESOLVED)
        for case_id in session.scalars(unopened.order_by(Case.id).limit(limit)):
            session.add(CaseTopic(case_id=case_id, chat_id=self.chat_id, created_at=now))
        session.flush()
        rows = session.execute(
            select(CaseTopic, Case).join(Case, Case.id == CaseTopic.case_id)
            .where(CaseTopic.chat_id == self.chat_id, CaseTopic.message_thread_id.is_(None))
            .order_by(CaseTopic.id).limit(limit)).all()
        return [PendingTopic(topic.id, case.number, topic_name(case)) for topic, case in rows]

    def opened(self, session: Session, topic_id: int, thread_id: int, now: datetime) -> None:
        """The platform created the topic: remember it and queue the summary. The transcript so
        far is in the summary, so only later customer messages are mirrored."""
        topic = session.get(CaseTopic, topic_id)
        case = session.get(Case, topic.case_id) if topic else None
        if topic is None or case is None or topic.message_thread_id is not None:
            return
        topic.message_thread_id = thread_id
        topic.last_message_id = int(session.scalar(
            select(func.max(Message.id)).where(Message.case_id == case.id)) or 0)
        self._post(session, topic, f"summary:{case.id}", self._summary(case), now)

    def sync(self, session: Session, now: datetime) -> int:
        """Queue what the topics do not show yet; returns how many posts were queued."""
        return (self._evidence(session, now) + self._customer_messages(session, now)
                + self._alerts(session, now))

    def case_in_thread(self, session: Session, thread_id: int) -> Case | None:
        """The case worked in topic ``thread_id`` of the agent chat."""
        return session.scalars(select(Case).join(CaseTopic, CaseTopic.case_id == Case.id).where(
            CaseTopic.chat_id == self.chat_id,
            CaseTopic.message_thread_id == thread_id)).first()

    # -- what is posted -----------------------------------------------------------------------
    def _summary(self, case: Case) -> dict[str, Any]:
        header = self._texts.text("header", number=case.number, priority=str(case.priority),
                                  queue=case.queue)
        if not case.summary:
            return _payload(header)
        return _payload(summary_text(self._texts.templates_dir, case.summary,
                                     self._texts.locale))

    def _evidence(self, session: Session, now: datetime) -> int:
        rows = self._after(session, Evidence, CaseTopic.last_evidence_id, Evidence.case_id)
        for evidence, topic, case in rows:
            caption = self._texts.text("evidence", kind=str(evidence.kind), number=case.number)
            payload = {**_payload(caption), "evidence": [
                {"uri": evidence.uri, "content_type": evidence.content_type}]}
            self._post(session, topic, f"evidence:{evidence.id}", payload, now)
            topic.last_evidence_id = evidence.id
        return len(rows)

    def _customer_messages(self, session: Session, now: datetime) -> int:
        rows = self._after(session, Message, CaseTopic.last_message_id, Message.case_id,
                           Message.direction == Direction.INBOUND)
        posted = 0
        for message, topic, case in rows:
            topic.last_message_id = message.id
            if not message.text.strip():
                continue  # a photo alone: it arrives as evidence
            customer = session.get(Customer, case.customer_id)
            text = self._texts.text("customer_message", text=guard_text(message.text),
                                    name=customer.display_name if customer else "")
            self._post(session, topic, f"message:{message.id}", _payload(text), now)
            posted += 1
        return posted

    def _alerts(self, session: Session, now: datetime) -> int:
        rows = self._after(session, Notification, CaseTopic.last_notification_id,
                           Notification.case_id)
        posted = 0
        for note, topic, case in rows:
            topic.last_notification_id = note.id
            kind = note.kind.split(":", 1)[0]
            if kind not in ALERT_KINDS:
                continue
            text = self._texts.text("alert", number=case.number, kind=kind, step=note.step,
                                    recipient=note.recipient, text=note.text)
            self._post(session, topic, f"alert:{note.id}", _payload(text), now)
            posted += 1
        return posted

    def _after(self, session: Session, model: Any, cursor: Any, case_column: Any,
               *where: Any) -> list[Any]:
        """Rows of ``model`` newer than their topic's cursor, oldest first, with topic and case."""
        query = (select(model, CaseTopic, Case)
                 .join(CaseTopic, CaseTopic.case_id == case_column)
                 .join(Case, Case.id == CaseTopic.case_id)
                 .where(CaseTopic.chat_id == self.chat_id,
                        CaseTopic.message_thread_id.is_not(None), model.id > cursor, *where)
                 .order_by(model.id).limit(BATCH))
        return list(session.execute(query).all())

    def _post(self, session: Session, topic: CaseTopic, key: str, payload: dict[str, Any],
              now: datetime) -> None:
        enqueue(session, channel=self._channel, recipient=f"{topic.chat_id}/"
                f"{topic.message_thread_id}", payload=payload, now=now,
                dedupe_key=f"topic:{topic.id}:{key}")


def _payload(text: str) -> dict[str, Any]:
    return {"text": text, "buttons": [], "images": []}
