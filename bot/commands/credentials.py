"""``aftersales agents deactivate | reset-password | rotate-token | set-role | audit``: the
credential life cycle from the command line. Each change revokes what it must at once (console
sessions, the old API token) and is written to the audit log as done by ``cli``."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TypeVar

import click
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.commands import open_database, settings_of
from handoff.agents import credentials
from handoff.store.clock import SystemClock
from handoff.store.models import Agent, AgentAuditEntry, AgentRole

ACTOR = "cli"
T = TypeVar("T")


def _on_agent(ctx: click.Context, name: str, change: Callable[[Session, Agent], T]) -> T:
    database = open_database(settings_of(ctx))
    try:
        with database.session() as session:
            return change(session, credentials.agent_named(session, name))
    except (credentials.UnknownAgent, ValueError) as exc:
        raise click.ClickException(str(exc).strip("'\"")) from exc
    finally:
        database.dispose()


@click.command("deactivate")
@click.argument("name")
@click.pass_context
def deactivate(ctx: click.Context, name: str) -> None:
    """Deactivate agent NAME: no sign-in, no API, every console session ends now."""
    _on_agent(ctx, name, lambda s, a: credentials.deactivate(s, a, ACTOR, SystemClock().now()))
    click.echo(f"agent {name} deactivated; their sessions are ended")


@click.command("reset-password")
@click.argument("name")
@click.option("--stdin", "from_stdin", is_flag=True, help="Read the password from stdin.")
@click.pass_context
def reset_password(ctx: click.Context, name: str, from_stdin: bool) -> None:
    """Set a new console password for NAME (prompted, or read from stdin); sessions end."""
    if from_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = str(click.prompt("new password", hide_input=True, confirmation_prompt=True))
    _on_agent(ctx, name, lambda s, a: credentials.reset_password(
        s, a, password, ACTOR, SystemClock().now()))
    click.echo(f"password of {name} reset; their sessions are ended")


@click.command("rotate-token")
@click.argument("name")
@click.pass_context
def rotate_token(ctx: click.Context, name: str) -> None:
    """Give NAME a new API token (printed once); the old one stops working at once."""
    token = _on_agent(ctx, name, lambda s, a: credentials.rotate_token(
        s, a, ACTOR, SystemClock().now()))
    click.echo(f"new API token for {name} (store it now, it is not shown again): {token}")


@click.command("set-role")
@click.argument("name")
@click.argument("role", type=click.Choice([r.value for r in AgentRole]))
@click.pass_context
def set_role(ctx: click.Context, name: str, role: str) -> None:
    """Change the role of NAME; their console sessions end."""
    _on_agent(ctx, name, lambda s, a: credentials.set_role(
        s, a, AgentRole(role), ACTOR, SystemClock().now()))
    click.echo(f"agent {name} is now {role}; their sessions are ended")


@click.command("audit")
@click.pass_context
def audit(ctx: click.Context) -> None:
    """The credential audit log, oldest first: when, who, what, to whom."""
    database = open_database(settings_of(ctx))
    with database.session() as session:
        rows = session.execute(select(AgentAuditEntry, Agent.name)
                               .join(Agent, Agent.id == AgentAuditEntry.agent_id)
                               .order_by(AgentAuditEntry.id)).all()
        for entry, name in rows:
            click.echo(f"{entry.at.isoformat()}\t{entry.actor}\t{entry.action}\t{name}\t"
                       f"{entry.detail}")
    database.dispose()


COMMANDS = (deactivate, reset_password, rotate_token, set_role, audit)
