"""States, roles and priorities as enums (stored by name as VARCHAR on both engines)."""

from __future__ import annotations

from enum import StrEnum


class ConversationMode(StrEnum):
    BOT = "bot"
    HUMAN = "human"


class Direction(StrEnum):
    INBOUND = "in"
    OUTBOUND = "out"


class Author(StrEnum):
    CUSTOMER = "customer"
    BOT = "bot"
    AGENT = "agent"
    SYSTEM = "system"


class OrderStatus(StrEnum):
    PAID = "paid"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"
    RETURNED = "returned"


class DeliveryMethod(StrEnum):
    """How a parcel reaches the customer."""

    HOME = "home"  # 宅配 / 送货上门
    STORE = "store"  # Taiwan convenience-store pickup (7-ELEVEN, 全家, 萊爾富, OK)
    PICKUP_POINT = "pickup_point"  # 菜鸟驿站, 快递柜, 代收点, 順豐站, 智能櫃

    @property
    def is_pickup(self) -> bool:
        return self is not DeliveryMethod.HOME


class CaseStatus(StrEnum):
    """SOP status flow: 待分派 → 处理中 → 待客户确认 → 已完成 (reopen goes back to in progress)."""

    NEW = "new"
    IN_PROGRESS = "in_progress"
    WAITING_CUSTOMER = "waiting_customer"
    RESOLVED = "resolved"

    @property
    def is_open(self) -> bool:
        return self is not CaseStatus.RESOLVED


class CasePriority(StrEnum):
    """P1 is the most urgent. Ordering by name sorts by urgency."""

    P1 = "P1"
    P2 = "P2"
    P3 = "P3"
    P4 = "P4"

    def raised(self, steps: int = 1) -> CasePriority:
        """One step more urgent (VIP rule); P1 stays P1."""
        order = list(CasePriority)
        return order[max(0, order.index(self) - steps)]


class AgentRole(StrEnum):
    AGENT = "agent"
    SUPERVISOR = "supervisor"
    TRAINER = "trainer"


class Availability(StrEnum):
    """Whether an agent takes new cases: auto-assignment picks only online agents."""

    ONLINE = "online"
    AWAY = "away"
    OFFLINE = "offline"


class EvidenceKind(StrEnum):
    """The three photos the SOP asks for, plus anything else the customer sends."""

    PRODUCT = "product"
    SHIPPING_LABEL = "shipping_label"
    OUTER_BOX = "outer_box"
    OTHER = "other"


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    DEAD = "dead"  # permanently undeliverable (e.g. the customer blocked the bot)
