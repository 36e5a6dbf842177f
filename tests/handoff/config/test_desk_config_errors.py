"""Bad configuration tables fail at start-up with a message naming the file and the problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from handoff.config.settings import Settings
from handoff.config.yamlfile import ConfigFileError
from handoff.desk.desk import Desk
from handoff.routing.business_hours import load_business_hours
from handoff.store.clock import ManualClock


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_rule_with_unknown_priority_is_refused(tmp_path: Path, settings: Settings,
                                               clock: ManualClock) -> None:
    rules = _write(tmp_path, "rules.yml", """
rules:
  - {name: human_request, on: turn, when: {intents: [request_human]}, queue: L2, priority: P9}
exceptions:
  first_response_overdue: {notify: [supervisor]}
  resolution_overdue: {notify: [supervisor]}
  open_too_long: {notify: [supervisor]}
""")
    with pytest.raises(ConfigFileError, match=r"rules\.yml.*unknown priority P9"):
        Desk(settings.model_copy(update={"rules_file": rules}), clock)


def test_turn_rule_without_a_trigger_is_refused(tmp_path: Path, settings: Settings,
                                                clock: ManualClock) -> None:
    rules = _write(tmp_path, "rules.yml", "rules:\n  - {name: x, on: turn, queue: L2, "
                                          "priority: P3}\n")
    with pytest.raises(ConfigFileError, match="has no 'when'"):
        Desk(settings.model_copy(update={"rules_file": rules}), clock)


def test_business_hours_interval_that_ends_before_it_starts_is_refused(tmp_path: Path) -> None:
    hours = _write(tmp_path, "hours.yml", 'default:\n  mon: ["18:00-09:00"]\n')
    with pytest.raises(ConfigFileError, match=r"hours\.yml.*ends before it starts"):
        load_business_hours(hours, "Asia/Shanghai")


def test_unknown_day_name_is_refused(tmp_path: Path) -> None:
    hours = _write(tmp_path, "hours.yml", 'default:\n  monday: ["09:00-18:00"]\n')
    with pytest.raises(ConfigFileError, match="unknown day names"):
        load_business_hours(hours, "Asia/Shanghai")
