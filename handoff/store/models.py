"""All mapped classes, in one import."""

from handoff.store.base import Base
from handoff.store.cases import AuditTrailViolation, Case, CaseEvent, CaseSerial, Notification
from handoff.store.chat import Conversation, Evidence, Message, OutboxMessage
from handoff.store.contacts import Contact
from handoff.store.enums import (
    AgentRole,
    Author,
    CasePriority,
    CaseStatus,
    ConversationMode,
    Direction,
    EvidenceKind,
    OrderStatus,
    OutboxStatus,
)
from handoff.store.inbox import ChannelInboxEntry
from handoff.store.orders import Order
from handoff.store.people import Agent, Customer, CustomerLink, ProcessedEvent, Queue
from handoff.store.topics import CaseTopic

__all__ = [
    "Agent", "AgentRole", "AuditTrailViolation", "Author", "Base", "Case", "CaseEvent",
    "CasePriority", "CaseSerial", "CaseStatus", "CaseTopic", "ChannelInboxEntry", "Contact",
    "Conversation", "ConversationMode", "Customer",
    "CustomerLink", "Direction", "Evidence", "EvidenceKind", "Message", "Notification", "Order",
    "OrderStatus", "OutboxMessage", "OutboxStatus", "ProcessedEvent", "Queue",
]
