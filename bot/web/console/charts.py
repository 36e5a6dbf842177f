"""Dashboard charts as PNG (matplotlib's Agg canvas, no pyplot state, safe in threads)."""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from handoff.agents.reports import PriorityResponse, Report

if TYPE_CHECKING:
    from matplotlib.axes import Axes

Daily = Sequence[tuple[date, Report]]
COLOURS = {"bar": "#1565c0", "line": "#c62828", "ok": "#2e7d32"}


@dataclass(frozen=True)
class ChartData:
    """The report figures the charts draw: one report per day, the last week's report and the
    last week's first responses per priority."""

    daily: Daily
    week: Report
    response: Sequence[PriorityResponse]


def _png(draw: Callable[[Axes], None], title: str) -> bytes:
    # WHY here: matplotlib (~25 MB) loads in a worker only once a supervisor opens the charts.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(5.2, 2.8), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    axes.set_title(title, fontsize=10)
    draw(axes)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def _days(daily: Daily) -> list[str]:
    return [day.strftime("%m-%d") for day, _ in daily]


def volume(daily: Daily) -> bytes:
    def draw(axes: Axes) -> None:
        axes.bar(_days(daily), [r.volume for _, r in daily], color=COLOURS["bar"], label="chats")
        axes.bar(_days(daily), [r.cases_opened for _, r in daily], color=COLOURS["line"],
                 label="handed off", width=0.5)
        axes.legend(fontsize=8)
    return _png(draw, "Volume by day")


def _percent_line(values: list[float | None], daily: Daily, title: str, colour: str) -> bytes:
    def draw(axes: Axes) -> None:
        axes.plot(_days(daily), [100 * v if v is not None else float("nan") for v in values],
                  marker="o", color=colour)
        axes.set_ylim(0, 100)
        axes.set_ylabel("%")
    return _png(draw, title)


def escalation_rate(daily: Daily) -> bytes:
    return _percent_line([r.escalation_rate for _, r in daily], daily,
                         "Escalation rate by day", COLOURS["line"])


def first_response(daily: Daily) -> bytes:
    return _percent_line([r.first_response_sla_compliance for _, r in daily], daily,
                         "First response within SLA by day", COLOURS["ok"])


def _bars(counts: Mapping[str, int], title: str, horizontal: bool = False) -> bytes:
    def draw(axes: Axes) -> None:
        labels, values = list(counts), list(counts.values())
        if horizontal:
            axes.barh(labels[::-1], values[::-1], color=COLOURS["bar"])
        else:
            axes.bar(labels, values, color=COLOURS["bar"])
        if not labels:
            axes.text(0.5, 0.5, "no data yet", ha="center", va="center",
                      transform=axes.transAxes)
    return _png(draw, title)


def csat(report: Report) -> bytes:
    return _bars(report.csat_distribution, "CSAT ratings (last 7 days)")


def top_reasons(report: Report) -> bytes:
    return _bars(report.top_contact_reasons, "Top contact reasons (last 7 days)", True)


def _response_label(row: PriorityResponse) -> str:
    waiting = f"\n{row.waiting} waiting" if row.waiting else ""
    return f"{row.priority}\n{row.on_time}/{row.answered} on time{waiting}"


def response_vs_sla(rows: Sequence[PriorityResponse]) -> bytes:
    """A box and the single answers per priority, the priority's SLA target as a red bar."""
    def draw(axes: Axes) -> None:
        positions = list(range(1, len(rows) + 1))
        answered = [(x, list(r.minutes)) for x, r in zip(positions, rows, strict=True)
                    if r.minutes]
        if answered:
            axes.boxplot([m for _, m in answered], positions=[x for x, _ in answered],
                         widths=0.5, showfliers=False)
            for x, minutes in answered:
                axes.scatter([x] * len(minutes), minutes, s=12, color=COLOURS["bar"], zorder=3)
        axes.hlines([r.target_minutes for r in rows], [x - 0.35 for x in positions],
                    [x + 0.35 for x in positions], colors=COLOURS["line"], linewidth=2,
                    label="SLA target (business minutes)")
        # Targets run from minutes (P1) to a day (P4): a log scale keeps both readable;
        # symlog because an answer can come in the same minute (0).
        axes.set_yscale("symlog", linthresh=1)
        axes.set_xticks(positions, [_response_label(r) for r in rows], fontsize=7)
        axes.set_ylabel("minutes to first response", fontsize=8)
        axes.legend(fontsize=7, loc="upper left")
    return _png(draw, "First response time vs SLA (last 7 days)")


CHARTS: dict[str, Callable[[ChartData], bytes]] = {
    "volume": lambda data: volume(data.daily),
    "escalation": lambda data: escalation_rate(data.daily),
    "first-response": lambda data: first_response(data.daily),
    "response-vs-sla": lambda data: response_vs_sla(data.response),
    "csat": lambda data: csat(data.week),
    "reasons": lambda data: top_reasons(data.week),
}
