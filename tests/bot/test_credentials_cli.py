"""Agent credential life cycle from the command line: deactivate, reset-password (stdin),
rotate-token (the old token stops working at once), set-role — each ends the agent's console
sessions and is in the audit log with who and when. On both engines."""

from __future__ import annotations

from datetime import timedelta

from click.testing import CliRunner
from sqlalchemy import select

from bot.cli import cli
from handoff.agents.auth import add_agent, agent_by_token, verify_password
from handoff.agents.sessions import SessionLimits, live_session, open_session
from handoff.config.settings import Settings
from handoff.store.clock import ManualClock
from handoff.store.db import Database
from handoff.store.models import Agent, AgentAuditEntry, AgentRole

LIMITS = SessionLimits(timedelta(hours=12), timedelta(hours=2))


def _agent_with_session(db: Database, clock: ManualClock) -> str:
    with db.session() as session:
        agent, token = add_agent(session, name="amy", role=AgentRole.AGENT, queues=["L2"],
                                 skills=[], now=clock.now(), password="old password")
        open_session(session, agent.id, "nonce-1", clock.now(), LIMITS)
    return token


def _run(settings: Settings, *args: str, stdin: str | None = None) -> str:
    result = CliRunner().invoke(cli, ["agents", *args], obj=settings, input=stdin)
    assert result.exit_code == 0, result.output
    return result.output


def _session_alive(db: Database, clock: ManualClock) -> bool:
    with db.session() as session:
        amy = session.scalars(select(Agent).where(Agent.name == "amy")).one()
        return live_session(session, amy.id, "nonce-1", clock.now(), LIMITS)


def test_rotate_token_stops_the_old_token_at_once_and_is_audited(
        db: Database, db_settings: Settings, clock: ManualClock) -> None:
    old = _agent_with_session(db, clock)
    output = _run(db_settings, "rotate-token", "amy")
    new = output.rsplit(": ", 1)[1].strip()
    with db.session() as session:
        assert agent_by_token(session, old) is None
        assert agent_by_token(session, new) is not None
        entry = session.scalars(select(AgentAuditEntry)).one()
        assert (entry.actor, entry.action) == ("cli", "rotate_token")


def test_reset_password_from_stdin_ends_the_sessions(
        db: Database, db_settings: Settings, clock: ManualClock) -> None:
    _agent_with_session(db, clock)
    _run(db_settings, "reset-password", "amy", "--stdin", stdin="a brand new password\n")
    with db.session() as session:
        amy = session.scalars(select(Agent).where(Agent.name == "amy")).one()
        assert amy.password_hash and verify_password(amy.password_hash, "a brand new password")
    assert not _session_alive(db, clock)


def test_deactivate_and_set_role_end_the_sessions_and_are_audited(
        db: Database, db_settings: Settings, clock: ManualClock) -> None:
    _agent_with_session(db, clock)
    _run(db_settings, "set-role", "amy", "supervisor")
    assert not _session_alive(db, clock)
    _run(db_settings, "deactivate", "amy")
    audit = _run(db_settings, "audit")
    assert "set_role\tamy" in audit and "deactivate\tamy" in audit
    with db.session() as session:
        amy = session.scalars(select(Agent).where(Agent.name == "amy")).one()
        assert not amy.active and amy.role is AgentRole.SUPERVISOR


def test_an_unknown_name_is_a_clear_error(db_settings: Settings, db: Database) -> None:
    result = CliRunner().invoke(cli, ["agents", "deactivate", "nobody"], obj=db_settings)
    assert result.exit_code != 0 and "no agent named" in result.output
