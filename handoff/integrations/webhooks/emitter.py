"""Case events → webhook deliveries, in the same transaction as the event.

A flush hook on the database sees every new `CaseEvent` (the desk's audit trail is the one
place case changes are recorded) and queues one outbox row per endpoint that wants the event:
a rolled-back change tells nobody, a committed one is told at least once."""

from __future__ import annotations

from sqlalchemy.orm import Session

from handoff.integrations.webhooks.config import WebhooksConfig
from handoff.integrations.webhooks.events import CaseBody, event_body, event_type
from handoff.store.db import Database
from handoff.store.models.cases import Case, CaseEvent
from handoff.store.outbox import enqueue

CHANNEL = "webhook"  # the outbox channel; the recipient is the endpoint's name


class WebhookEmitter:
    def __init__(self, config: WebhooksConfig) -> None:
        self._config = config

    def install(self, database: Database) -> None:
        if self._config.endpoints:
            database.add_flush_hook(self)

    def __call__(self, session: Session) -> None:
        events = [o for o in session.new if isinstance(o, CaseEvent)]
        with session.no_autoflush:
            for event in events:
                self._queue(session, event)

    def _queue(self, session: Session, event: CaseEvent) -> None:
        data = dict(event.data or {})
        kind = event_type(event.kind, data)
        case = session.get(Case, event.case_id) if kind else None
        if kind is None or case is None:
            return
        body = event_body(kind, _case(case), actor=event.actor, at=event.at, data=data,
                          reopened=event.kind == "reopened")
        for endpoint in self._config.wanting(kind):
            enqueue(session, channel=CHANNEL, recipient=endpoint.name, payload=dict(body),
                    now=event.at, dedupe_key=f"webhook:{endpoint.name}:{body['id']}",
                    flush=False)


def _case(case: Case) -> CaseBody:
    return CaseBody(number=case.number, status=str(case.status), queue=case.queue,
                    priority=str(case.priority), channel=case.channel)
