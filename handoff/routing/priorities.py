"""Priority from the issue category (priorities.yml), with the VIP step.

Iron law: tier the support, not the customer — VIP status may make a case one step more urgent
(when enabled), but it never changes the queue.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from handoff.config.yamlfile import ConfigFileError, load_yaml
from handoff.store.models.enums import CasePriority


@dataclass(frozen=True)
class PriorityTable:
    default: CasePriority
    by_issue: Mapping[str, CasePriority]
    frustration_raises: bool = False

    def for_mood(self, priority: CasePriority, frustrated: bool) -> CasePriority:
        """One step more urgent for a frustrated customer when configured; P1 stays P1."""
        return priority.raised() if frustrated and self.frustration_raises else priority

    def for_issue(self, issue: str | None) -> CasePriority:
        """The priority configured for an issue category (the default when unknown)."""
        return self.by_issue.get(issue or "", self.default)


@dataclass(frozen=True)
class VipPolicy:
    enabled: bool
    levels: frozenset[str]

    def is_vip(self, member_level: str | None) -> bool:
        return bool(member_level) and (member_level or "").casefold() in self.levels

    def apply(self, priority: CasePriority, member_level: str | None) -> CasePriority:
        """One step more urgent for a VIP member when enabled; P1 stays P1."""
        if self.enabled and self.is_vip(member_level):
            return priority.raised()
        return priority


def vip_policy(enabled: bool, levels: Iterable[str]) -> VipPolicy:
    return VipPolicy(enabled, frozenset(level.casefold() for level in levels))


def load_priorities(path: Path) -> PriorityTable:
    """Read priorities.yml: ``default`` and ``issues: {category: P1..P4}``."""
    data = load_yaml(path) or {}
    try:
        default = CasePriority(str(data.get("default", "P3")))
        table = {str(k): CasePriority(str(v)) for k, v in (data.get("issues") or {}).items()}
    except (ValueError, AttributeError) as exc:
        raise ConfigFileError(f"{path}: priorities must be P1..P4 ({exc})") from exc
    return PriorityTable(default, table, bool(data.get("frustration_raises_priority", False)))
