"""Supervisors see each webhook delivery (status, attempts, last error) and can send one again;
agents cannot open the page. On both engines."""

from __future__ import annotations

from sqlalchemy import update

from bot.web.console.auth.sessions import SESSION_COOKIE
from handoff.store.models import OutboxMessage, OutboxStatus
from handoff.store.outbox import enqueue
from tests.bot.web.console.conftest import EngineConsole
from tests.bot.web.console.helpers import PASSWORD, client, csrf_token, sign_in
from tests.conftest import START


def failed_delivery(console: EngineConsole) -> int:
    with console.db.session() as db:
        row = enqueue(db, channel="webhook", recipient="crm", now=START,
                      payload={"type": "case.resolved", "case": {"number": "2026110007"}})
        db.execute(update(OutboxMessage).where(OutboxMessage.id == row.id).values(
            status=OutboxStatus.DEAD, attempts=6, last_error="crm answered HTTP 410"))
        return row.id


async def test_a_supervisor_sees_a_failed_delivery_and_sends_it_again(
        engine_console: EngineConsole) -> None:
    delivery = failed_delivery(engine_console)
    async with client() as http:
        await sign_in(http, engine_console.base, "sam", PASSWORD)
        async with http.get(f"{engine_console.base}/console/webhooks") as page:
            html = await page.text()
        assert page.status == 200
        for shown in ("crm", "case.resolved", "2026110007", "dead", "crm answered HTTP 410"):
            assert shown in html
        async with http.post(f"{engine_console.base}/console/webhooks/{delivery}/send-again",
                             data={"csrf_token": csrf_token(html)}) as response:
            assert response.status == 200 and response.url.path == "/console/webhooks"
            assert f'data-delivery="{delivery}" data-status="pending"' in await response.text()
        async with http.post(f"{engine_console.base}/console/webhooks/999999/send-again",
                             data={"csrf_token": csrf_token(html)}) as missing:
            assert missing.status == 404


async def test_an_agent_cannot_open_the_webhooks_page(engine_console: EngineConsole) -> None:
    async with client() as http:
        response = await sign_in(http, engine_console.base, "amy", PASSWORD)
        cookie = response.cookies[SESSION_COOKIE].value
    async with client({SESSION_COOKIE: cookie}) as http, \
            http.get(f"{engine_console.base}/console/webhooks") as page:
        assert page.status == 403
