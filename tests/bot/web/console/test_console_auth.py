"""Console sign-in over real HTTP: sessions, CSRF, lock-out, redirects, what each role may
open (no browser needed)."""

from __future__ import annotations

import io
from datetime import timedelta

from PIL import Image
from sqlalchemy import select

from bot.web.console.auth.sessions import SESSION_COOKIE
from handoff.agents.service import AgentService
from handoff.config.settings import Settings
from handoff.config.tables import load_queues, sync_queues
from handoff.desk.desk import Desk
from handoff.ports import BotFindings
from handoff.store.clock import ManualClock
from handoff.store.db import Database
from handoff.store.models import Agent, Conversation, Customer
from tests.bot.web.console.helpers import PASSWORD, client, csrf_token, sign_in


async def test_signed_out_requests_to_console_pages_redirect_tosign_in(console: str) -> None:
    async with client() as http:
        for path in ("/console/", "/console/training", "/console/live", "/console"):
            async with http.get(f"{console}{path}") as response:
                assert response.url.path == "/console/signin", path


async def test_an_agent_signs_in_with_an_httponly_samesite_cookie(console: str) -> None:
    async with client() as http:
        response = await sign_in(http, console, "amy", PASSWORD)
        assert response.status == 303
        cookie = response.cookies[SESSION_COOKIE]
        assert cookie["httponly"] and cookie["samesite"] == "Lax"


async def test_a_trainer_reaches_the_training_page_and_an_agent_does_not(console: str) -> None:
    async with client() as http:
        await sign_in(http, console, "tina", PASSWORD)
        async with http.get(f"{console}/console/") as response:
            assert response.url.path == "/console/training" and response.status == 200
    async with client() as http:
        await sign_in(http, console, "amy", PASSWORD)
        async with http.get(f"{console}/console/training") as response:
            assert response.status == 403


async def test_a_form_post_without_the_csrf_token_is_refused(console: str) -> None:
    async with client() as http:
        await sign_in(http, console, "tina", PASSWORD)
        async with http.post(f"{console}/console/training/retrain", data={}) as response:
            assert response.status == 403 and "security token" in await response.text()
        async with http.post(f"{console}/console/signin",
                             data={"name": "amy", "password": PASSWORD}) as response:
            assert response.status == 403


async def test_the_third_wrong_password_locks_the_sign_in_even_for_the_right_one(
    console: str, sqlite_db: Database, clock: ManualClock
) -> None:
    async with client() as http:
        for _ in range(3):
            response = await sign_in(http, console, "amy", "wrong")
            assert response.status == 401
        response = await sign_in(http, console, "amy", PASSWORD)
        assert response.status == 401 and "locked" in await response.text()
        clock.advance(timedelta(minutes=14))
        response = await sign_in(http, console, "amy", PASSWORD)
        assert response.status == 401, "still locked after 14 of the 15 minutes"
        clock.advance(timedelta(minutes=2))
        response = await sign_in(http, console, "amy", PASSWORD)
        assert response.status == 303
    with sqlite_db.session() as session:
        agent = session.query(Agent).filter_by(name="amy").one()
        assert agent.failed_logins == 0 and agent.locked_until is None


async def test_a_forged_or_expired_session_cookie_is_not_accepted(
    console: str, clock: ManualClock
) -> None:
    async with client() as http:
        response = await sign_in(http, console, "tina", PASSWORD)
        value = response.cookies[SESSION_COOKIE].value
        forged = value.replace(value[2], "A" if value[2] != "A" else "B", 1)
        jar = {SESSION_COOKIE: forged}
        async with client(jar) as other, \
                other.get(f"{console}/console/training") as page:
            assert page.url.path == "/console/signin"
        clock.advance(timedelta(hours=13))
        async with http.get(f"{console}/console/training") as page:
            assert page.url.path == "/console/signin"


async def test_sign_out_ends_the_session(console: str) -> None:
    async with client() as http:
        await sign_in(http, console, "tina", PASSWORD)
        async with http.get(f"{console}/console/training") as page:
            token = csrf_token(await page.text())
        async with http.post(f"{console}/console/signout", data={"csrf_token": token}) as out:
            assert out.url.path == "/console/signin"
        async with http.get(f"{console}/console/training") as page:
            assert page.url.path == "/console/signin"


def _a_case_amy_answered_after_twenty_minutes(settings: Settings, db: Database,
                                              clock: ManualClock) -> None:
    desk = Desk(settings, clock)
    with db.session() as session:
        sync_queues(session, load_queues(settings.training_data_dir / "handoff" / "queues.yml"))
        customer = Customer(channel="webchat", external_id="web-1", created_at=clock.now())
        session.add(customer)
        session.flush()
        conversation = Conversation(customer_id=customer.id, channel="webchat", state={},
                                    created_at=clock.now(), updated_at=clock.now())
        session.add(conversation)
        session.flush()
        number = desk.hand_off(session, conversation, desk.request_for("human_request"),
                               BotFindings(issue="request_human")).case_number
    clock.advance(timedelta(minutes=20))
    with db.session() as session:
        amy = session.scalars(select(Agent).where(Agent.name == "amy")).one()
        AgentService(desk).reply(session, amy, number, "Hello, Amy here.")


async def test_the_first_response_vs_sla_chart_is_a_png_for_a_supervisor_only(
    console: str, review_settings: Settings, sqlite_db: Database, clock: ManualClock
) -> None:
    _a_case_amy_answered_after_twenty_minutes(review_settings, sqlite_db, clock)
    async with client() as http:
        await sign_in(http, console, "sam", PASSWORD)
        async with http.get(f"{console}/console/dashboard") as page:
            assert "/console/charts/response-vs-sla.png" in await page.text()
        async with http.get(f"{console}/console/charts/response-vs-sla.png") as chart:
            assert chart.status == 200 and chart.content_type == "image/png"
            image = Image.open(io.BytesIO(await chart.read()))
            assert image.format == "PNG" and image.size == (520, 280)
    async with client() as http:
        await sign_in(http, console, "amy", PASSWORD)
        async with http.get(f"{console}/console/charts/response-vs-sla.png") as chart:
            assert chart.status == 403
