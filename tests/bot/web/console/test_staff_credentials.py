"""The credential life cycle in the supervisor console: rotate a token (shown once, the old one
dead at once), reset a password and deactivate (the agent's sessions end), each in the audit
log with the supervisor's name; an agent cannot open the page. On both engines."""

from __future__ import annotations

import re

import aiohttp
from sqlalchemy import select

from bot.web.console.auth.sessions import SESSION_COOKIE
from handoff.agents.auth import agent_by_token, new_token, token_digest
from handoff.store.models import Agent, AgentAuditEntry
from tests.bot.web.console.conftest import EngineConsole
from tests.bot.web.console.helpers import PASSWORD, client, csrf_token, sign_in


async def _post(http: aiohttp.ClientSession, console: EngineConsole, action: str,
                **fields: str) -> str:
    async with http.get(f"{console.base}/console/staff") as page:
        token = csrf_token(await page.text())
    async with http.post(f"{console.base}/console/staff/{action}",
                         data={"csrf_token": token, **fields}) as response:
        assert response.status == 200, await response.text()
        return str(await response.text())


async def test_a_supervisor_rotates_resets_and_deactivates_with_an_audit_trail(
        engine_console: EngineConsole) -> None:
    old = new_token()
    with engine_console.db.session() as db:
        amy = db.scalars(select(Agent).where(Agent.name == "amy")).one()
        amy.token_hash = token_digest(old)
    async with client() as amy_http:
        await sign_in(amy_http, engine_console.base, "amy", PASSWORD)
        async with client() as http:
            await sign_in(http, engine_console.base, "sam", PASSWORD)
            page = await _post(http, engine_console, "rotate-token", name="amy")
            new = re.search(r"<code>([^<]+)</code>", page)
            assert new is not None
            await _post(http, engine_console, "reset-password", name="amy",
                        password="another long password")
            async with amy_http.get(f"{engine_console.base}/console/inbox") as inbox:
                assert inbox.url.path == "/console/signin", "amy's session ended"
            page = await _post(http, engine_console, "deactivate", name="amy")
            assert "rotate_token" in page and "deactivate" in page
    with engine_console.db.session() as db:
        assert agent_by_token(db, old) is None
        actions = [(e.actor, e.action) for e in db.scalars(select(AgentAuditEntry))]
    assert actions == [("sam", "rotate_token"), ("sam", "reset_password"),
                       ("sam", "deactivate")]


async def test_an_agent_cannot_open_the_staff_page(engine_console: EngineConsole) -> None:
    async with client() as http:
        response = await sign_in(http, engine_console.base, "amy", PASSWORD)
        cookie = response.cookies[SESSION_COOKIE].value
    async with client({SESSION_COOKIE: cookie}) as http, \
            http.get(f"{engine_console.base}/console/staff") as page:
        assert page.status == 403
