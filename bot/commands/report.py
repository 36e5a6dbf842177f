"""``aftersales report``: quality metrics for a period as a table, JSON or CSV."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import click

from bot.commands import open_database, settings_of
from handoff.agents.reports import build_report


def _instant(value: str | None, zone: ZoneInfo, default: datetime) -> datetime:
    if not value:
        return default
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter(f"not an ISO date: {value!r}") from exc
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=zone)


def flatten(data: dict[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    """Nested figures as (dotted name, value) rows."""
    rows: list[tuple[str, Any]] = []
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            rows.extend(flatten(value, f"{name}.") if value else [(name, "")])
        else:
            rows.append((name, "" if value is None else value))
    return rows


def render(data: dict[str, Any], fmt: str) -> str:
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=2)
    rows = flatten(data)
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["metric", "value"])
        writer.writerows(rows)
        return out.getvalue()
    width = max(len(name) for name, _ in rows)
    return "\n".join(f"{name.ljust(width)}  {value}" for name, value in rows)


@click.command("report")
@click.option("--since", help="Start (ISO date or instant, shop time); default 7 days ago.")
@click.option("--until", help="End, exclusive (ISO); default now.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table",
              show_default=True)
@click.pass_context
def report(ctx: click.Context, since: str | None, until: str | None, fmt: str) -> None:
    """Volume, bot-only resolution and escalation rates, handoff reasons, SLA compliance,
    24-hour closure, CSAT, top contact reasons and per-agent load."""
    settings = settings_of(ctx)
    zone = ZoneInfo(settings.timezone)
    end = _instant(until, zone, datetime.now(zone))
    start = _instant(since, zone, end - timedelta(days=7))
    if start >= end:
        raise click.BadParameter("--since must be before --until")
    database = open_database(settings)
    with database.session() as session:
        data = build_report(session, start, end).to_dict()
    database.dispose()
    text = render(data, fmt)
    click.echo(text, nl=not text.endswith("\n"))
