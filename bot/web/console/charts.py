"""Dashboard charts as PNG (matplotlib's Agg canvas, no pyplot state, safe in threads)."""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping, Sequence
from datetime import date

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from handoff.reports import Report

Daily = Sequence[tuple[date, Report]]
COLOURS = {"bar": "#1565c0", "line": "#c62828", "ok": "#2e7d32"}


def _png(draw: Callable[[Axes], None], title: str) -> bytes:
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


CHARTS: dict[str, Callable[[Daily, Report], bytes]] = {
    "volume": lambda daily, week: volume(daily),
    "escalation": lambda daily, week: escalation_rate(daily),
    "first-response": lambda daily, week: first_response(daily),
    "csat": lambda daily, week: csat(week),
    "reasons": lambda daily, week: top_reasons(week),
}
