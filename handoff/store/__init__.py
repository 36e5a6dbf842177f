"""The store: SQLAlchemy 2 typed mappings, one session factory, Alembic migrations."""

from handoff.store.db import Database, session_scope
from handoff.store.models import (
    Agent,
    AgentRole,
    Author,
    Base,
    Case,
    CaseEvent,
    CasePriority,
    CaseStatus,
    Conversation,
    ConversationMode,
    Customer,
    Direction,
    Evidence,
    EvidenceKind,
    Message,
    Notification,
    Order,
    OrderStatus,
    OutboxMessage,
    OutboxStatus,
    ProcessedEvent,
    Queue,
)

__all__ = [
    "Agent", "AgentRole", "Author", "Base", "Case", "CaseEvent", "CasePriority", "CaseStatus",
    "Conversation", "ConversationMode", "Customer", "Database", "Direction", "Evidence",
    "EvidenceKind", "Message", "Notification", "Order", "OrderStatus", "OutboxMessage",
    "OutboxStatus", "ProcessedEvent", "Queue", "session_scope",
]
