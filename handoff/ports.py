"""The contract between the dialogue engine (bot) and the handoff desk (handoff).

The engine calls a `HandoffDesk` at fixed points of every inbound turn; the desk decides when a
human takes over, opens or reopens the case, and speaks the handoff-related sentences (case
number and expected first response, out-of-hours notice, CSAT prompt). Its replies are the one
reply type, `OutboundMessage` (``handoff.store.reply``), that the engine stores and sends.

Conversation state keys the engine maintains and the desk may read
(``Conversation.state``): ``flow`` (name of the active L1 flow or absent), ``flow_started_at``
(ISO instant), ``slots`` (dict), ``fallbacks`` (int, "did not understand" in a row),
``findings`` (a `BotFindings.to_state()` dict of what the bot checked so far),
``last_replies`` (fingerprints of the bot's previous turn, so it never repeats itself).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy.orm import Session

from handoff.store.models import Conversation, Customer, Message
from handoff.store.models.enums import CasePriority
from handoff.store.reply import OutboundMessage


@dataclass(frozen=True)
class SensitiveFlag:
    word: str
    category: str  # legal | media | regulator | safety


@dataclass(frozen=True)
class TurnFacts:
    """What the bot understood of one inbound message."""

    text: str
    intent: str
    confidence: float
    language: str
    now: datetime
    entities: tuple[Mapping[str, Any], ...] = ()
    sensitive: tuple[SensitiveFlag, ...] = ()
    fallbacks_in_row: int = 0
    flow: str | None = None
    flow_started_at: datetime | None = None
    order_id: str | None = None


@dataclass(frozen=True)
class BotFindings:
    """What the bot checked and answered, for the warm-handoff summary."""

    issue: str | None = None  # the intent / issue category that drove the conversation
    order_id: str | None = None
    wants: str = ""  # what the customer wants, in one line
    decision: Mapping[str, Any] | None = None  # e.g. {"outcome", "reason", "policy", "rma"}
    evidence_received: tuple[str, ...] = ()
    evidence_missing: tuple[str, ...] = ()
    refund_amount: str | None = None  # decimal as text
    answered: tuple[str, ...] = ()  # short notes of what the bot told the customer
    extra: Mapping[str, Any] = field(default_factory=dict)

    def to_state(self) -> dict[str, Any]:
        data = asdict(self)
        return {k: list(v) if isinstance(v, tuple) else v for k, v in data.items()}

    @classmethod
    def from_state(cls, data: Mapping[str, Any] | None) -> BotFindings:
        if not data:
            return cls()
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        for name in ("evidence_received", "evidence_missing", "answered"):
            if name in known:
                known[name] = tuple(known[name])
        return cls(**known)


@dataclass(frozen=True)
class HandoffRequest:
    """A decision that a human takes over, and why (one rule of rules.yml fired)."""

    rule: str
    reason: str
    queue: str
    priority: CasePriority
    tags: tuple[str, ...] = ()
    notify: tuple[str, ...] = ()  # e.g. ("legal", "pr") for legal and media threats
    investigation: bool = False


@dataclass(frozen=True)
class HandoffTicket:
    """What the customer is told after a handoff."""

    case_number: str
    queue: str
    priority: CasePriority
    first_response_due: datetime
    reopened: bool
    replies: tuple[OutboundMessage, ...]  # case number + expected first response (+ hours notice)


class HandoffDesk(Protocol):
    """The handoff side of every turn. All calls run inside the engine's transaction."""

    def intercept(self, session: Session, conversation: Conversation, message: Message,
                  facts: TurnFacts | None) -> list[OutboundMessage] | None:
        """Called first for every inbound message. Returns None when the bot should handle the
        turn; otherwise the desk owns it (human mode: the message is relayed to the case and
        usually nothing is said; awaiting CSAT: the rating or "not solved" is recorded) and the
        returned replies (possibly none) are all the customer gets."""

    def check_turn(self, session: Session, conversation: Conversation,
                   facts: TurnFacts) -> HandoffRequest | None:
        """The rules evaluated on an inbound message in bot mode (sensitive word, request for a
        human, complaint, repeat contact, fallbacks in a row, flow timeout …)."""

    def request_for(self, rule: str, facts: TurnFacts | None = None) -> HandoffRequest:
        """The configured handoff for a rule an action triggers by name (e.g.
        ``refund_over_limit``, ``evidence_complete``, ``order_not_found``, ``not_helpful``)."""

    def hand_off(self, session: Session, conversation: Conversation, request: HandoffRequest,
                 findings: BotFindings) -> HandoffTicket:
        """Open (or reopen) the case with its summary, SLA and queue; attach the conversation's
        evidence; switch the conversation to human mode."""

    def link_identity(self, session: Session, customer: Customer, order_id: str) -> None:
        """The customer passed the identity check for ``order_id``: join their channel
        identities into one person."""
