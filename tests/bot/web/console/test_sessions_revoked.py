"""Point 1: a signed-out session is dead. Signing out, "sign out everywhere", a password reset,
a role change and deactivation revoke every session issued before; an idle session ends.
On both engines, over real HTTP."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.web.console.auth.sessions import SESSION_COOKIE
from handoff.agents import credentials
from handoff.store.clock import ManualClock
from handoff.store.models import Agent, AgentAuditEntry, AgentRole, AgentSession
from tests.bot.web.console.conftest import EngineConsole
from tests.bot.web.console.helpers import PASSWORD, client, csrf_token, sign_in


async def _signed_in(console: EngineConsole, name: str) -> tuple[str, str]:
    """A fresh session of ``name``: its cookie value and a CSRF token of it."""
    async with client() as http:
        response = await sign_in(http, console.base, name, PASSWORD)
        cookie = response.cookies[SESSION_COOKIE].value
        async with http.get(f"{console.base}/console/") as page:
            return cookie, csrf_token(await page.text())


def _console_routes(console: EngineConsole) -> list[tuple[str, str]]:
    """Every (method, path) of the console except sign-in and static files."""
    routes = set()
    for route in console.app.router.routes():
        info = route.resource.get_info() if route.resource else {}
        path = info.get("path") or info.get("formatter") or info.get("prefix", "")
        path = re.sub(r"\{id[^}]*\}", "1", re.sub(r"\{number[^}]*\}", "2026110001", path))
        path = re.sub(r"\{[^}]+\}", "x", path)
        if route.method in ("HEAD", "OPTIONS") or path.startswith(
                ("/console/signin", "/console/static")):
            continue
        routes.add((route.method, path))
    return sorted(routes)


async def _refused(console: EngineConsole, cookie: str, token: str, method: str,
                   path: str) -> bool:
    async with client({SESSION_COOKIE: cookie}) as http, http.request(
            method, f"{console.base}{path}", allow_redirects=False,
            data={"csrf_token": token, "text": "still here?"},
            headers={"X-CSRF-Token": token}) as response:
        return response.status == 302 and response.headers["Location"].startswith(
            "/console/signin")


async def test_a_signed_out_cookie_is_refused_on_every_console_route(
        engine_console: EngineConsole) -> None:
    cookie, token = await _signed_in(engine_console, "sam")
    async with client({SESSION_COOKIE: cookie}) as http, http.post(
            f"{engine_console.base}/console/signout", data={"csrf_token": token},
            allow_redirects=False) as out:
        assert out.status == 303
    routes = _console_routes(engine_console)
    assert len(routes) > 10 and ("POST", "/console/signout") in routes
    for method, path in routes:
        assert await _refused(engine_console, cookie, token, method, path), (method, path)



@pytest.mark.parametrize("revoke", [
    lambda db, agent, now: credentials.reset_password(db, agent, "new long password", "sam", now),
    lambda db, agent, now: credentials.set_role(db, agent, AgentRole.TRAINER, "sam", now),
    lambda db, agent, now: credentials.deactivate(db, agent, "sam", now),
    lambda db, agent, now: credentials.sign_out_everywhere(db, agent, "amy", now),
], ids=["password-reset", "role-change", "deactivation", "sign-out-everywhere"])
async def test_a_credential_change_revokes_every_earlier_session_and_is_audited(
        engine_console: EngineConsole, clock: ManualClock, revoke: Callable[..., object]) -> None:
    first, token = await _signed_in(engine_console, "amy")
    second, _ = await _signed_in(engine_console, "amy")
    assert not await _refused(engine_console, first, token, "GET", "/console/inbox")
    with engine_console.db.session() as db:
        amy = db.scalars(select(Agent).where(Agent.name == "amy")).one()
        revoke(db, amy, clock.now())
    for cookie in (first, second):
        assert await _refused(engine_console, cookie, token, "GET", "/console/inbox")
    with engine_console.db.session() as db:
        assert db.scalars(select(AgentSession)).all() == []
        entry = db.scalars(select(AgentAuditEntry)).one()
        assert entry.agent_id == amy.id and entry.at == clock.now()


async def test_sign_out_everywhere_from_the_console_ends_the_other_browsers_session(
        engine_console: EngineConsole) -> None:
    other, _ = await _signed_in(engine_console, "amy")
    mine, token = await _signed_in(engine_console, "amy")
    async with client({SESSION_COOKIE: mine}) as http, http.post(
            f"{engine_console.base}/console/signout-everywhere", data={"csrf_token": token},
            allow_redirects=False) as out:
        assert out.status == 303
    assert await _refused(engine_console, other, token, "GET", "/console/inbox")
    assert await _refused(engine_console, mine, token, "GET", "/console/inbox")


async def test_a_session_left_idle_past_the_timeout_ends(
        engine_console: EngineConsole, clock: ManualClock) -> None:
    assert engine_console.settings.console_idle_minutes == 120
    cookie, token = await _signed_in(engine_console, "amy")
    clock.advance(timedelta(minutes=110))
    assert not await _refused(engine_console, cookie, token, "GET", "/console/inbox")
    clock.advance(timedelta(minutes=110))  # 220 min after sign-in, but only 110 idle
    assert not await _refused(engine_console, cookie, token, "GET", "/console/inbox")
    clock.advance(timedelta(minutes=121))
    assert await _refused(engine_console, cookie, token, "GET", "/console/inbox")
