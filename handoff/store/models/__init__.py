"""All mapped classes, in one import."""

from handoff.store.models.access import AgentAuditEntry, AgentSession, SignInThrottle
from handoff.store.models.base import Base
from handoff.store.models.cases import (
    AuditTrailViolation,
    Case,
    CaseEvent,
    CaseSerial,
    CaseTopic,
    Notification,
)
from handoff.store.models.chat import Conversation, Evidence, Message, OutboxMessage
from handoff.store.models.contacts import Contact
from handoff.store.models.deployments import ModelDeployment
from handoff.store.models.enums import (
    AgentRole,
    Author,
    Availability,
    CasePriority,
    CaseStatus,
    ConversationMode,
    DeliveryMethod,
    Direction,
    EvidenceKind,
    OrderStatus,
    OutboxStatus,
)
from handoff.store.models.inbox import ChannelInboxEntry
from handoff.store.models.orders import Order
from handoff.store.models.people import Agent, Customer, CustomerLink, ProcessedEvent, Queue
from handoff.store.models.workspace import CannedReply

__all__ = [
    "Agent", "AgentAuditEntry", "AgentRole", "AgentSession", "AuditTrailViolation", "Author",
    "Availability", "Base", "CannedReply", "Case", "CaseEvent",
    "CasePriority", "CaseSerial", "CaseStatus", "CaseTopic", "ChannelInboxEntry", "Contact",
    "Conversation", "ConversationMode", "Customer", "CustomerLink", "DeliveryMethod",
    "Direction", "Evidence", "EvidenceKind", "Message", "ModelDeployment", "Notification", "Order",
    "OrderStatus", "OutboxMessage", "OutboxStatus", "ProcessedEvent", "Queue", "SignInThrottle",
]
