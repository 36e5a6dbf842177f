"""SLA due times: first response and resolution, in the queue's business time."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from handoff.config.tables import SlaTarget
from handoff.routing.business_hours import BusinessHours
from handoff.store.models.enums import CasePriority


@dataclass(frozen=True)
class DueTimes:
    first_response: datetime
    resolution: datetime


@dataclass(frozen=True)
class SlaClock:
    """Computes due times from the SLA table and the working-hours calendar."""

    targets: Mapping[CasePriority, SlaTarget]
    hours: BusinessHours

    def due(self, queue: str, priority: CasePriority, start: datetime,
            first_response: timedelta | None = None) -> DueTimes:
        """Due times from ``start``; ``first_response`` is a rule's own, tighter target."""
        target = self.targets[priority]
        first = min(target.first_response, first_response or target.first_response)
        return DueTimes(
            first_response=self.hours.add(queue, priority, start, first),
            resolution=self.hours.add(queue, priority, start, target.resolution),
        )

    def human_available(self, queue: str, priority: CasePriority, at: datetime) -> bool:
        """Whether someone answers now (always for 24/7 priorities)."""
        return self.hours.counts_all_hours(priority) or self.hours.is_open(queue, at)

    def opens_at(self, queue: str, at: datetime) -> datetime:
        return self.hours.next_open(queue, at)
