"""The non-rule parts of rules.yml: department routing, sweeper exceptions, contact issues."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from handoff.config.yamlfile import ConfigFileError, load_yaml


@dataclass(frozen=True)
class BatchDefect:
    """Several open cases on the same item within the window: a batch defect for `queue`."""

    issues: tuple[str, ...]
    open_cases_on_same_item: int
    window_days: float
    queue: str
    tags: tuple[str, ...]


@dataclass(frozen=True)
class ExceptionRule:
    """A sweeper exception (overdue first response / resolution, open too long)."""

    notify: tuple[str, ...]
    queue: str | None = None
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class EscalationTables:
    batch_defect: BatchDefect | None
    first_response_overdue: ExceptionRule
    resolution_overdue: ExceptionRule
    open_too_long: ExceptionRule
    contact_issues: frozenset[str]


def load_escalation(path: Path) -> EscalationTables:
    """Read the departments, exceptions and contact_issues sections of rules.yml."""
    data = load_yaml(path) or {}
    try:
        exceptions = data["exceptions"]
        return EscalationTables(
            batch_defect=_batch(data.get("departments", {}).get("batch_defect")),
            first_response_overdue=_exception(exceptions["first_response_overdue"]),
            resolution_overdue=_exception(exceptions["resolution_overdue"]),
            open_too_long=_exception(exceptions["open_too_long"]),
            contact_issues=frozenset(str(i) for i in data.get("contact_issues") or ()),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ConfigFileError(f"{path}: bad departments/exceptions section ({exc})") from exc


def _batch(raw: Any) -> BatchDefect | None:
    if not raw:
        return None
    return BatchDefect(
        issues=tuple(str(i) for i in raw["issues"]),
        open_cases_on_same_item=int(raw["open_cases_on_same_item"]),
        window_days=float(raw["window_days"]), queue=str(raw["queue"]),
        tags=tuple(str(t) for t in raw.get("tags") or ()),
    )


def _exception(raw: Any) -> ExceptionRule:
    return ExceptionRule(
        notify=tuple(str(n) for n in raw.get("notify") or ()),
        queue=str(raw["queue"]) if raw.get("queue") else None,
        tags=tuple(str(t) for t in raw.get("tags") or ()),
    )
