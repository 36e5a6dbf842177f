"""The supervisor sees customer messages parked after repeated failures on the dashboard (the
text escaped) and can run one again; agents cannot. Over real HTTP, no browser needed."""

from __future__ import annotations

from datetime import datetime

from handoff.store.clock import ManualClock
from handoff.store.db import Database
from handoff.store.inbox import InboundEvent, lease_due, mark_failed, store_new, unfinished
from tests.bot.web.console.helpers import PASSWORD, client, csrf_token, sign_in

HOSTILE = "<script>alert('x')</script>我的退貨呢"


def park(db: Database, now: datetime, key: str, text: str) -> None:
    event = {"type": "message", "message": {"type": "text", "text": text}}
    with db.session() as session:
        store_new(session, "line", [InboundEvent(key, "Ualice", event)], now)
        [entry] = lease_due(session, "line", now)
        assert mark_failed(session, entry, "ValueError('bug')", now, park_after=1)


async def test_the_dashboard_lists_a_parked_message_and_the_supervisor_retries_it(
        console: str, sqlite_db: Database, clock: ManualClock) -> None:
    park(sqlite_db, clock.now(), "line:P1", HOSTILE)
    async with client() as http:
        await sign_in(http, console, "sam", PASSWORD)
        async with http.get(f"{console}/console/dashboard") as page:
            html = await page.text()
        assert 'data-parked="line:P1"' in html and "ValueError(&#39;bug&#39;)" in html
        assert "&lt;script&gt;" in html and "<script>alert" not in html
        form = html[html.index('data-parked="line:P1"'):]
        async with http.post(f"{console}/console/dashboard/inbox/retry", allow_redirects=False,
                             data={"key": "line:P1", "csrf_token": csrf_token(form)}) as done:
            assert done.status == 303
        async with http.get(f"{console}/console/dashboard") as page:
            assert "data-parked" not in await page.text()
    with sqlite_db.session() as session:
        [entry] = unfinished(session)
    assert entry.parked_at is None and entry.failures == 0


async def test_retrying_needs_a_supervisor_and_an_existing_parked_event(
        console: str, sqlite_db: Database, clock: ManualClock) -> None:
    park(sqlite_db, clock.now(), "line:P2", "在嗎")
    async with client() as agent:
        await sign_in(agent, console, "amy", PASSWORD)
        async with agent.get(f"{console}/console/inbox") as page:
            token = csrf_token(await page.text())
        async with agent.post(f"{console}/console/dashboard/inbox/retry",
                              data={"key": "line:P2", "csrf_token": token}) as refused:
            assert refused.status == 403
    async with client() as supervisor:
        await sign_in(supervisor, console, "sam", PASSWORD)
        async with supervisor.get(f"{console}/console/dashboard") as page:
            token = csrf_token(await page.text())
        async with supervisor.post(f"{console}/console/dashboard/inbox/retry",
                                   data={"key": "line:nope", "csrf_token": token}) as missing:
            assert missing.status == 404
    with sqlite_db.session() as session:
        assert [e.key for e in unfinished(session, parked_only=True)] == ["line:P2"]
