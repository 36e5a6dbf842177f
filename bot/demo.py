"""Demo data: orders whose dates are placed relative to the day the demo runs."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from handoff.agents.auth import add_agent, hash_password, new_token, token_digest
from handoff.config.settings import Settings
from handoff.config.yamlfile import load_yaml
from handoff.store.models import Agent, AgentRole
from handoff.store.order_import import ImportResult, import_orders

_DAY_FIELDS = {"paid_days_ago": "paid_at", "shipped_days_ago": "shipped_at",
               "delivered_days_ago": "delivered_at"}
_DEADLINE = "pickup_deadline_in_days"  # negative: the deadline has passed


def render_demo_orders(source: Path, target: Path, today: date, timezone: str) -> int:
    """Turn ``*_days_ago`` offsets into ISO instants (10:00 shop time) and write an import file."""
    spec = json.loads(source.read_text(encoding="utf-8"))
    tz = ZoneInfo(timezone)
    rows = [_absolute(order, today, tz) for order in spec["orders"]]
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
    return len(rows)


def importable(file: Path, var_dir: Path, today: date, timezone: str) -> Path:
    """``file`` itself, or, for a demo-style file (``{"orders": [...]}`` with ``*_days_ago``),
    a rendering of it dated around ``today`` in ``var_dir`` (so the demo file imports too)."""
    if file.suffix.lower() != ".json":
        return file
    try:
        spec = json.loads(file.read_text(encoding="utf-8"))
    except ValueError:
        return file  # the importer names the problem
    orders = spec.get("orders") if isinstance(spec, dict) else None
    if not isinstance(orders, list) or not any(
            isinstance(o, dict) and _DAY_FIELDS.keys() & o.keys() for o in orders):
        return file
    target = var_dir / f"rendered_{file.stem}.json"
    render_demo_orders(file, target, today, timezone)
    return target


def _absolute(order: dict[str, Any], today: date, tz: ZoneInfo) -> dict[str, Any]:
    row = {k: v for k, v in order.items()
           if k not in _DAY_FIELDS and k not in ("branch", _DEADLINE)}
    for offset_field, field in _DAY_FIELDS.items():
        if offset_field in order:
            day = today - timedelta(days=int(order[offset_field]))
            row[field] = datetime.combine(day, time(10, 0), tzinfo=tz).isoformat()
    if _DEADLINE in order:  # a store keeps a parcel until the end of its last day
        day = today + timedelta(days=int(order[_DEADLINE]))
        row["pickup_deadline"] = datetime.combine(day, time(23, 59), tzinfo=tz).isoformat()
    return row


@dataclass(frozen=True)
class DemoLogin:
    """A demo staff member's fresh credentials (printed once by ``aftersales demo``)."""

    name: str
    role: str
    password: str
    token: str


def seed_demo_agents(session: Session, spec_file: Path, now: datetime) -> list[DemoLogin]:
    """Create the demo staff, or give existing ones a new password and token."""
    logins = []
    for spec in (load_yaml(spec_file) or {}).get("agents", []):
        password = secrets.token_urlsafe(9)
        agent = session.scalars(select(Agent).where(Agent.name == spec["name"])).first()
        if agent is None:
            agent, token = add_agent(
                session, name=spec["name"], role=AgentRole(spec["role"]),
                queues=list(spec.get("queues", [])), skills=list(spec.get("skills", [])),
                now=now, password=password, locale=spec.get("locale", "zh-Hans"))
        else:
            token = new_token()
            agent.password_hash, agent.token_hash = hash_password(password), token_digest(token)
            agent.failed_logins, agent.locked_until = 0, None
        logins.append(DemoLogin(agent.name, agent.role.value, password, token))
    return logins


def load_demo_orders(session: Session, settings: Settings, today: date) -> ImportResult:
    """Render the demo orders around ``today`` into ``var/`` and import them (same checks as
    ``aftersales orders import``)."""
    rendered = settings.var_dir / "demo_orders.json"
    render_demo_orders(settings.training_data_dir / "demo" / "orders.json", rendered, today,
                       settings.timezone)
    return import_orders(session, rendered, timezone=settings.timezone,
                         digest_key=settings.secret_key.get_secret_value())
