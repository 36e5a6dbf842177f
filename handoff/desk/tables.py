"""All the desk's tables, loaded once from the files the settings name."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from handoff.config.settings import Settings
from handoff.config.tables import load_sla
from handoff.desk.contacts import ContactWindow
from handoff.desk.csat import load_not_solved_words
from handoff.routing.business_hours import load_business_hours
from handoff.routing.escalation import EscalationTables, load_escalation
from handoff.routing.priorities import PriorityTable, VipPolicy, load_priorities, vip_policy
from handoff.routing.rules import Rule, Thresholds, load_rules
from handoff.routing.sla import SlaClock
from handoff.store.models.enums import CasePriority


@dataclass(frozen=True)
class DeskTables:
    rules: tuple[Rule, ...]
    escalation: EscalationTables
    priorities: PriorityTable
    vip: VipPolicy
    sla: SlaClock
    thresholds: Thresholds
    contacts: ContactWindow
    not_solved_words: tuple[str, ...]

    def rule(self, name: str) -> Rule | None:
        return next((r for r in self.rules if r.name == name), None)


def load_tables(settings: Settings) -> DeskTables:
    """Read rules.yml, priorities.yml, sla.yml, business_hours.yml and csat.yml."""
    rules_file = _path(settings.rules_file)
    hours = load_business_hours(_path(settings.hours_file), settings.timezone)
    return DeskTables(
        rules=load_rules(rules_file, tuple(p.value for p in CasePriority)),
        escalation=load_escalation(rules_file),
        priorities=load_priorities(_path(settings.priorities_file)),
        vip=vip_policy(settings.vip_raises_priority, settings.vip_levels),
        sla=SlaClock(load_sla(_path(settings.sla_file)), hours),
        thresholds=Thresholds(settings.repeat_contact_threshold,
                              settings.fallbacks_before_handoff,
                              float(settings.l1_flow_timeout_minutes)),
        contacts=ContactWindow(timedelta(minutes=settings.repeat_contact_gap_minutes),
                               timedelta(days=settings.repeat_contact_window_days)),
        not_solved_words=load_not_solved_words(_path(settings.csat_file)),
    )


def _path(value: Path | None) -> Path:
    assert value is not None  # filled in by Settings
    return value
