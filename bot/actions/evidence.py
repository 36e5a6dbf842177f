"""``action_collect_evidence``: photos of the product, the shipping label (面单) and the outer
box for defects, wrong or missing items and shipping damage.

Each photo becomes an `Evidence` row of the conversation; it fills the first kind still missing
(the customer is asked for them in order). While something is missing the customer is
reassured, shown what is still needed and told why; once complete the case goes to the queue
with the evidence attached.
"""

from __future__ import annotations

import base64
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from bot.actions.common import findings_event, findings_of, hand_off, say, updated
from bot.actions.context import Turn, TurnAction
from bot.actions.identify import identify
from bot.evidence import StoredBlob, check_image
from handoff.store.models import Evidence
from handoff.store.models.enums import EvidenceKind


def incoming_photos(tracker: Tracker, turn: Turn) -> list[StoredBlob]:
    """Photos of this turn: stored blobs the engine passed in the message metadata, or (from
    a Rasa server) base64 ``data`` stored here."""
    metadata = (tracker.latest_message or {}).get("metadata") or {}
    blobs = []
    for item in metadata.get("attachments") or []:
        if item.get("uri"):
            blobs.append(StoredBlob(str(item["uri"]), str(item["content_type"]),
                                    int(item["size"]), str(item["sha256"])))
        elif item.get("data"):
            data = base64.b64decode(item["data"])
            settings = turn.runtime.settings
            image = check_image(data, settings.evidence_max_bytes, settings.evidence_max_pixels)
            blobs.append(turn.runtime.evidence.put(image.data, image.content_type))
    return blobs


def turn_caption_kind(turn: Turn) -> str | None:
    """The evidence photo the message's caption names, if it has one."""
    text = turn.message.text if turn.message is not None else ""
    return turn.runtime.policy.caption_kind(text) if text else None


class ActionCollectEvidence(TurnAction):
    """Identify the order, then collect the three photos and hand the case over."""

    def name(self) -> str:
        return "action_collect_evidence"

    def execute(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                turn: Turn) -> list[EventType]:
        received: dict[str, str] = dict(tracker.get_slot("evidence") or {})
        photos = incoming_photos(tracker, turn)
        new = self._record(turn, received, photos)
        found = identify(dispatcher, tracker, turn)
        if found.order is None:
            return [SlotSet("evidence", received), *found.events]
        needed = self._needed(turn)
        missing = [kind for kind in needed if kind not in received]
        issue = tracker.get_slot("issue") or "quality_issue"
        findings = updated(findings_of(tracker), order_id=found.order.order_id, issue=issue,
                           wants="review of the evidence",
                           evidence_received=[k for k in needed if k in received],
                           evidence_missing=missing)
        events: list[EventType] = [*found.events, SlotSet("evidence", received),
                                   findings_event(findings)]
        context: dict[str, Any] = {"order_id": found.order.order_id, "item": found.order.item,
                                   "issue": issue, "received": [k for k in needed if k in received],
                                   "missing": missing, "new": new}
        if missing:
            say(dispatcher, tracker, turn, "evidence_missing" if received else "evidence_request",
                **context)
            return [*events, SlotSet("requested_slot", "photos")]
        say(dispatcher, tracker, turn, "evidence_complete", **context)
        return [*events, *hand_off(dispatcher, tracker, turn, "evidence_complete", findings)]

    def _needed(self, turn: Turn) -> list[str]:
        return list(turn.runtime.policy.evidence)

    def _record(self, turn: Turn, received: dict[str, str], photos: list[StoredBlob]) -> int:
        """Store each photo as the next missing kind (extra photos are kept as ``other``)."""
        needed = self._needed(turn)
        named = turn_caption_kind(turn)
        for blob in photos:
            missing = [kind for kind in needed if kind not in received]
            if named in missing:  # the caption said which photo it is ("面单")
                missing.insert(0, missing.pop(missing.index(named)))
                named = None
            kind = EvidenceKind(missing[0]) if missing else EvidenceKind.OTHER
            earlier = turn.session.scalars(select(Evidence).where(
                Evidence.conversation_id == turn.conversation.id, Evidence.uri == blob.uri,
                Evidence.kind == EvidenceKind.OTHER)).first()
            if earlier is not None:  # sent before the flow began: now we know which photo it is
                earlier.kind = kind
            else:
                turn.session.add(Evidence(
                    conversation_id=turn.conversation.id, case_id=turn.conversation.case_id,
                    message_id=turn.message.id if turn.message else None, kind=kind,
                    uri=blob.uri, content_type=blob.content_type, size=blob.size,
                    sha256=blob.sha256, created_at=turn.now))
            if kind is not EvidenceKind.OTHER:
                received[kind.value] = blob.uri
        return len(photos)
