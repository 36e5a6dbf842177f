"""The queue and SLA tables (training_data/handoff/*.yml) as typed values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from sqlalchemy.orm import Session

from handoff.config.yamlfile import ConfigFileError, load_yaml
from handoff.store.models.enums import CasePriority
from handoff.store.models.people import Queue


@dataclass(frozen=True)
class QueueSpec:
    name: str
    tier: str
    description: str = ""


@dataclass(frozen=True)
class SlaTarget:
    """How soon a case of one priority must get its first response and its resolution."""

    priority: CasePriority
    first_response: timedelta
    resolution: timedelta


def load_queues(path: Path) -> list[QueueSpec]:
    data = load_yaml(path) or {}
    try:
        return [QueueSpec(str(q["name"]), str(q["tier"]), str(q.get("description", "")))
                for q in data["queues"]]
    except (KeyError, TypeError) as exc:
        raise ConfigFileError(f"{path}: each queue needs name and tier ({exc})") from exc


def load_sla(path: Path) -> dict[CasePriority, SlaTarget]:
    data = load_yaml(path) or {}
    table: dict[CasePriority, SlaTarget] = {}
    try:
        for name, spec in data["priorities"].items():
            priority = CasePriority(name)
            table[priority] = SlaTarget(
                priority,
                timedelta(minutes=float(spec["first_response_minutes"])),
                timedelta(minutes=float(spec["resolution_minutes"])),
            )
    except (KeyError, TypeError, ValueError) as exc:
        raise ConfigFileError(f"{path}: bad SLA table ({exc})") from exc
    missing = set(CasePriority) - set(table)
    if missing:
        raise ConfigFileError(f"{path}: no SLA for {', '.join(sorted(missing))}")
    return table


def sync_queues(session: Session, specs: list[QueueSpec]) -> int:
    """Create or update the queue rows from the table; returns how many there are."""
    for spec in specs:
        row = session.get(Queue, spec.name) or Queue(name=spec.name)
        row.tier, row.description = spec.tier, spec.description
        session.add(row)
    session.flush()
    return len(specs)
