"""A test shop: customers, conversations, orders and agents in the test's database.

The desk is driven directly with `TurnFacts` / `BotFindings`, as the dialogue engine does.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from handoff.config.settings import Settings
from handoff.ports import SensitiveFlag, TurnFacts
from handoff.store.clock import ManualClock
from handoff.store.db import Database
from handoff.store.masking import mask_phone, phone_digest
from handoff.store.models.chat import Conversation, Message
from handoff.store.models.enums import AgentRole, Author, Availability, Direction, OrderStatus
from handoff.store.models.orders import Order
from handoff.store.models.people import Agent, Customer

_ids = itertools.count(1)


@dataclass
class Shop:
    """Builds the people and orders a test needs, in the test's database."""

    db: Database
    clock: ManualClock
    settings: Settings

    def now(self) -> datetime:
        return self.clock.now()

    def customer(self, session: Session, channel: str = "telegram", language: str = "zh-Hans",
                 member_level: str | None = None, name: str = "王小明") -> Conversation:
        customer = Customer(channel=channel, external_id=f"{channel}-{next(_ids)}",
                            display_name=name, language=language, member_level=member_level,
                            created_at=self.now())
        session.add(customer)
        session.flush()
        conversation = Conversation(customer_id=customer.id, channel=channel, locale=language,
                                    state={}, created_at=self.now(), updated_at=self.now())
        session.add(conversation)
        session.flush()
        return conversation

    def order(self, session: Session, order_id: str = "2026110512345", item: str = "空气炸锅 AF-1",
              category: str = "appliances", amount: str = "899.00", phone: str = "13812345678",
              member_level: str = "") -> Order:
        order = Order(order_id=order_id, customer_name="王小明", phone_masked=mask_phone(phone),
                      phone_last4=phone[-4:], phone_digest=phone_digest(phone, "k"),
                      channel="tmall", status=OrderStatus.DELIVERED, carrier="SF",
                      tracking_no="SF100200300", item=item, category=category,
                      amount=Decimal(amount), currency="CNY", paid_at=self.now(),
                      shipped_at=self.now(), delivered_at=self.now(),
                      member_level=member_level, unused=False)
        session.add(order)
        session.flush()
        return order

    def agent(self, session: Session, name: str, queues: list[str], skills: list[str] | None = None,
              role: AgentRole = AgentRole.AGENT, max_load: int = 8,
              availability: Availability = Availability.ONLINE) -> Agent:
        agent = Agent(name=name, role=role, queues=queues, skills=skills or [], max_load=max_load,
                      availability=availability, created_at=self.now())
        session.add(agent)
        session.flush()
        return agent

    def says(self, session: Session, conversation: Conversation, text: str, intent: str = "inform",
             confidence: float = 0.9, sensitive: tuple[SensitiveFlag, ...] = (),
             payload: dict[str, Any] | None = None) -> Message:
        message = Message(
            conversation_id=conversation.id, direction=Direction.INBOUND,
            author=Author.CUSTOMER, channel=conversation.channel, text=text, attachments=[],
            payload=payload or {}, created_at=self.now(),
            nlu={"text": text, "intent": {"name": intent, "confidence": confidence},
                 "entities": [], "language": conversation.locale,
                 "sensitive": [{"word": s.word, "category": s.category} for s in sensitive]},
            idempotency_key=f"{conversation.channel}:{next(_ids)}")
        session.add(message)
        session.flush()
        return message

    def facts(self, text: str, intent: str = "inform", **kwargs: Any) -> TurnFacts:
        kwargs.setdefault("language", "zh-Hans")
        return TurnFacts(text=text, intent=intent, confidence=0.9, now=self.now(), **kwargs)


