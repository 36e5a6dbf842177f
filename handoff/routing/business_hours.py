"""Working hours per queue (business_hours.yml) and adding business time to an instant.

SLA clocks run only while the queue is staffed: a P3 case opened on Friday evening with a 4-hour
first-response target is due on Monday during working hours. Priorities listed in ``always_on``
(P1 by default) run on the wall clock.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from handoff.config.yamlfile import ConfigFileError, load_yaml
from handoff.store.models.enums import CasePriority

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_SEARCH_DAYS = 400  # a schedule with no working hours for this long is a configuration error

Interval = tuple[time, time]
Week = tuple[tuple[Interval, ...], ...]  # index 0 = Monday


@dataclass(frozen=True)
class BusinessHours:
    """The working-hours calendar of every queue."""

    zone: ZoneInfo
    always_on: frozenset[CasePriority]
    default: Week
    queues: Mapping[str, Week]
    holidays: frozenset[date]

    def counts_all_hours(self, priority: CasePriority) -> bool:
        return priority in self.always_on

    def is_open(self, queue: str, at: datetime) -> bool:
        """Whether a human of ``queue`` is working at ``at``."""
        local = at.astimezone(self.zone)
        return any(start <= local < end for start, end in self._windows(queue, local.date()))

    def next_open(self, queue: str, at: datetime) -> datetime:
        """The first working instant at or after ``at``."""
        for start, end in self._spans(queue, at):
            if end > at:
                return max(start, at)
        raise ConfigFileError(f"queue {queue}: no working hours within {_SEARCH_DAYS} days")

    def add(self, queue: str, priority: CasePriority, at: datetime,
            duration: timedelta) -> datetime:
        """``at`` plus ``duration`` of business time in ``queue`` (wall time if always on)."""
        if self.counts_all_hours(priority):
            return at + duration
        left = duration
        for start, end in self._spans(queue, at):
            begin = max(start, at)
            if begin >= end:
                continue
            if begin + left <= end:
                return begin + left
            left -= end - begin
        raise ConfigFileError(f"queue {queue}: no working hours within {_SEARCH_DAYS} days")

    def _week(self, queue: str) -> Week:
        return self.queues.get(queue, self.default)

    def _windows(self, queue: str, day: date) -> tuple[tuple[datetime, datetime], ...]:
        if day in self.holidays:
            return ()
        return tuple(
            (datetime.combine(day, s, self.zone), datetime.combine(day, e, self.zone))
            for s, e in self._week(queue)[day.weekday()]
        )

    def _spans(self, queue: str, at: datetime) -> Iterator[tuple[datetime, datetime]]:
        day = at.astimezone(self.zone).date()
        for offset in range(_SEARCH_DAYS):
            yield from self._windows(queue, day + timedelta(days=offset))


def load_business_hours(path: Path, default_timezone: str) -> BusinessHours:
    """Read business_hours.yml; the time zone falls back to the shop's."""
    data = load_yaml(path) or {}
    try:
        zone = ZoneInfo(str(data.get("timezone") or default_timezone))
        return BusinessHours(
            zone=zone,
            always_on=frozenset(CasePriority(str(p)) for p in data.get("always_on") or ()),
            default=_week(data["default"]),
            queues={str(q): _week(w) for q, w in (data.get("queues") or {}).items()},
            holidays=frozenset(_date(d) for d in data.get("holidays") or ()),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ConfigFileError(f"{path}: bad business hours ({exc})") from exc


def _week(raw: Mapping[str, Any]) -> Week:
    unknown = set(raw) - set(DAYS)
    if unknown:
        raise ValueError(f"unknown day names {sorted(unknown)}")
    return tuple(tuple(_interval(str(s)) for s in raw.get(day) or ()) for day in DAYS)


def _interval(text: str) -> Interval:
    start, end = (time.fromisoformat(part.strip()) for part in text.split("-"))
    if end <= start:
        raise ValueError(f"interval {text!r} ends before it starts")
    return start, end


def _date(raw: Any) -> date:
    return raw if isinstance(raw, date) else date.fromisoformat(str(raw))
