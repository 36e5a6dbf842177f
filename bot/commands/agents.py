"""``aftersales agents``: add agents (prints their API token once), list them, link them to a
Telegram account for the agent group; ``aftersales sweep``: run the overdue sweeper once (for
cron, when the web app is not running it)."""

from __future__ import annotations

import click

from bot.commands import open_database, settings_of
from handoff.agents.auth import add_agent
from handoff.desk.desk import Desk
from handoff.desk.sweeper import Sweeper
from handoff.store.clock import SystemClock
from handoff.store.models.enums import AgentRole
from handoff.store.models.people import Agent


def _csv(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


@click.group()
def agents() -> None:
    """Human agents, supervisors and trainers."""


@agents.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice([r.value for r in AgentRole]), default="agent",
              show_default=True)
@click.option("--queues", default="", help="Comma-separated queues, e.g. L2,L3.")
@click.option("--skills", default="", help="Comma-separated product categories ('*' = all).")
@click.option("--max-load", type=click.IntRange(min=1), default=8, show_default=True)
@click.option("--locale", type=click.Choice(["zh-Hans", "zh-Hant", "en"]), default="zh-Hans")
@click.option("--password", is_flag=True, help="Also set a console password (prompted).")
@click.pass_context
def agents_add(ctx: click.Context, name: str, role: str, queues: str, skills: str,
               max_load: int, locale: str, password: bool) -> None:
    """Add agent NAME and print their API token (shown only this once; only a hash is kept)."""
    settings = settings_of(ctx)
    secret = click.prompt("password", hide_input=True, confirmation_prompt=True) if password \
        else None
    database = open_database(settings)
    try:
        with database.session() as session:
            _, token = add_agent(session, name=name, role=AgentRole(role), queues=_csv(queues),
                                 skills=_csv(skills), now=SystemClock().now(),
                                 password=secret, max_load=max_load, locale=locale)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        database.dispose()
    click.echo(f"agent {name} added ({role}; queues {queues or '-'}; skills {skills or '-'})")
    click.echo(f"API token (store it now, it is not shown again): {token}")


@agents.command("list")
@click.pass_context
def agents_list(ctx: click.Context) -> None:
    """List agents with their role, queues and skills."""
    database = open_database(settings_of(ctx))
    with database.session() as session:
        for agent in session.query(Agent).order_by(Agent.name):
            state = "" if agent.active else " (inactive)"
            click.echo(f"{agent.name}\t{agent.role}\t{','.join(agent.queues) or '-'}\t"
                       f"{','.join(agent.skills) or '-'}\tmax {agent.max_load}{state}")
    database.dispose()


@agents.command("link-telegram")
@click.argument("name")
@click.argument("user_id", type=int)
@click.pass_context
def agents_link_telegram(ctx: click.Context, name: str, user_id: int) -> None:
    """Let agent NAME work cases in the Telegram agent group as Telegram user USER_ID."""
    database = open_database(settings_of(ctx))
    try:
        with database.session() as session:
            agent = session.query(Agent).filter(Agent.name == name).one_or_none()
            if agent is None:
                raise click.ClickException(f"no agent named {name!r}")
            taken = session.query(Agent).filter(Agent.telegram_user_id == user_id,
                                                Agent.name != name).one_or_none()
            if taken is not None:
                raise click.ClickException(f"Telegram user {user_id} is linked to {taken.name}")
            agent.telegram_user_id = user_id
    finally:
        database.dispose()
    click.echo(f"agent {name} linked to Telegram user {user_id}")


@click.command("sweep")
@click.pass_context
def sweep(ctx: click.Context) -> None:
    """Run the overdue sweeper once: alerts, 48-hour escalation, L1 flow timeouts."""
    settings = settings_of(ctx)
    database = open_database(settings)
    desk = Desk(settings, SystemClock())
    with database.session() as session:
        result = Sweeper(desk).sweep(session)
    database.dispose()
    click.echo(f"sweep: {result.notifications} notifications, {result.escalated} escalated, "
               f"{result.flows_handed_off} flows handed off")
