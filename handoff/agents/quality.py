"""The SOP's quality metrics against their targets (training_data/handoff/quality.yml): first
contact resolution, CSAT, escalation rate and 24 h closure, each met / not met / no data."""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from handoff.agents.reports import Report
from handoff.config.yamlfile import ConfigFileError, load_yaml

COMPARE: dict[str, Callable[[float, float], bool]] = {
    "above": operator.gt, "at_least": operator.ge, "below": operator.lt, "at_most": operator.le}
SYMBOL = {"above": ">", "at_least": "≥", "below": "<", "at_most": "≤"}


@dataclass(frozen=True)
class QualityTarget:
    name: str
    figure: str
    compare: str
    target: float
    percent: bool

    def shown(self, value: float) -> str:
        return f"{value * 100:.0f}%" if self.percent else f"{value:.2f}"


@dataclass(frozen=True)
class QualityResult:
    target: QualityTarget
    actual: float | None

    @property
    def met(self) -> bool | None:
        if self.actual is None:
            return None
        return COMPARE[self.target.compare](self.actual, self.target.target)

    @property
    def target_text(self) -> str:
        return f"{SYMBOL[self.target.compare]} {self.target.shown(self.target.target)}"

    @property
    def actual_text(self) -> str:
        return "—" if self.actual is None else self.target.shown(self.actual)


def load_quality(path: Path) -> tuple[QualityTarget, ...]:
    """Read and check the targets; an unknown figure or comparison fails loudly."""
    entries = (load_yaml(path) or {}).get("metrics") or []
    targets = []
    for entry in entries:
        if entry.get("compare") not in COMPARE:
            raise ConfigFileError(f"{path}: {entry.get('name')}: compare must be one of "
                                  f"{', '.join(COMPARE)}")
        if entry.get("figure") not in Report.__dataclass_fields__:
            raise ConfigFileError(f"{path}: {entry.get('name')}: no report figure "
                                  f"{entry.get('figure')!r}")
        targets.append(QualityTarget(str(entry["name"]), str(entry["figure"]),
                                     str(entry["compare"]), float(entry["target"]),
                                     bool(entry.get("percent", True))))
    return tuple(targets)


def evaluate(report: Report, targets: tuple[QualityTarget, ...]) -> list[QualityResult]:
    results = []
    for target in targets:
        value = getattr(report, target.figure)
        results.append(QualityResult(target, None if value is None else float(value)))
    return results
