"""Sign-in, sign-out (here or everywhere) and the guard every console request passes.

The guard reads the signed session cookie, its server-side session row and the agent row,
redirects a signed-out, revoked or idle request to the sign-in page and refuses an unsafe request
without the CSRF token. Security headers come from `bot.http.headers`, for every response.
"""

from __future__ import annotations

import asyncio
import secrets
from datetime import timedelta
from typing import Any
from urllib.parse import quote

from aiohttp import web
from aiohttp.typedefs import Handler
from sqlalchemy.exc import IntegrityError

from bot.web.console.auth.csrf import UNSAFE_METHODS, csrf_valid, refuse
from bot.web.console.auth.passwords import (
    Attempt,
    LockoutPolicy,
    SignInOutcome,
    check_credentials,
)
from bot.web.console.auth.sessions import PRE_SESSION_COOKIE, SESSION_COOKIE, ConsoleSession
from bot.web.console.common import (
    PRE_NONCE,
    PREFIX,
    SIGNER,
    VIEWER,
    Viewer,
    render,
    runtime_of,
    see_other,
    viewer_of,
)
from handoff.agents.credentials import sign_out_everywhere
from handoff.agents.sessions import SessionLimits, end_session, live_session, open_session
from handoff.config.i18n import supported
from handoff.config.settings import Settings
from handoff.store.models import Agent, AgentRole

PUBLIC = (f"{PREFIX}/signin", f"{PREFIX}/static/")
HOME = {AgentRole.AGENT: "inbox", AgentRole.SUPERVISOR: "dashboard", AgentRole.TRAINER: "training"}
# One answer for a wrong password, an unknown name and a lock: none tells which names exist.
SIGN_IN_REFUSED = ("Wrong name or password, or this sign-in is locked after too many failed "
                   "attempts. Check them, or wait a few minutes and try again.")


@web.middleware
async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Authentication, CSRF and security headers for every console route."""
    public = request.path.startswith(PUBLIC)
    nonce = _pre_nonce(request) if public else await _load_viewer(request)
    if nonce is None:
        target = quote(request.path_qs, safe="/?=&")
        raise web.HTTPFound(f"{PREFIX}/signin?next={target}")
    if request.method in UNSAFE_METHODS and not await csrf_valid(request, nonce):
        raise refuse(request)
    return await handler(request)


def limits_of(settings: Settings) -> SessionLimits:
    return SessionLimits(timedelta(hours=settings.console_session_hours),
                         timedelta(minutes=settings.console_idle_minutes))


def _pre_nonce(request: web.Request) -> str:
    nonce = request.cookies.get(PRE_SESSION_COOKIE) or secrets.token_urlsafe(16)
    request[PRE_NONCE] = nonce
    return nonce


async def _load_viewer(request: web.Request) -> str | None:
    runtime = runtime_of(request)
    session = request.app[SIGNER].decode(request.cookies.get(SESSION_COOKIE), runtime.clock.now())
    if session is None:
        return None
    now, limits = runtime.clock.now(), limits_of(runtime.settings)
    with runtime.db.session() as db:
        agent = db.get(Agent, session.agent_id)
        if agent is None or not agent.active or not live_session(
                db, agent.id, session.nonce, now, limits):
            return None
        request[VIEWER] = _viewer(agent, session)
    return session.nonce


def _viewer(agent: Agent, session: ConsoleSession) -> Viewer:
    return Viewer(agent.id, agent.name, agent.display_name, AgentRole(agent.role),
                  tuple(str(q) for q in agent.queues or ()), session,
                  supported(agent.locale), str(agent.availability))


async def signin_page(request: web.Request) -> web.StreamResponse:
    response = render(request, "signin.html", title="Sign in", error="", name="",
                      next=_safe_next(request.query.get("next")))
    _set_pre_cookie(request, response)
    return response


async def signin(request: web.Request) -> web.StreamResponse:
    """Check the name and password; on success set the session cookie and go on."""
    form = await request.post()
    name, password = str(form.get("name", "")), str(form.get("password", ""))
    runtime = runtime_of(request)
    settings, now = runtime.settings, runtime.clock.now()
    policy = LockoutPolicy(settings.console_max_failed_logins,
                           timedelta(minutes=settings.console_lockout_minutes),
                           settings.console_address_max_failed_logins)
    attempt = Attempt(name, password, request.remote or "", now)
    limits = limits_of(settings)
    session = request.app[SIGNER].new_session(0, now, limits.lifetime)
    result = await asyncio.to_thread(_check, runtime, attempt, policy, session.nonce, limits)
    target = _safe_next(str(form.get("next", "")))
    if result.outcome is not SignInOutcome.OK or result.agent_id is None:
        response = render(request, "signin.html", status=401, title="Sign in",
                          error=SIGN_IN_REFUSED, name=name, next=target)
        _set_pre_cookie(request, response)
        return response
    session = ConsoleSession(result.agent_id, session.nonce, session.expires_at)
    redirect = see_other(target or f"{PREFIX}/")
    _cookie(redirect, request, SESSION_COOKIE, request.app[SIGNER].encode(session))
    redirect.del_cookie(PRE_SESSION_COOKIE, path=PREFIX)
    raise redirect


def _check(runtime: Any, attempt: Attempt, policy: LockoutPolicy, nonce: str,
           limits: SessionLimits) -> Any:
    """Check the credentials and, when right, open the session row in the same transaction."""
    for tries in (1, 2):
        try:
            with runtime.db.session() as db:
                result = check_credentials(db, attempt, policy)
                if result.outcome is SignInOutcome.OK and result.agent_id is not None:
                    open_session(db, result.agent_id, nonce, attempt.now, limits)
                return result
        except IntegrityError:
            # Two attempts created the same throttle row at once; the second try sees it.
            if tries == 2:
                raise
    raise AssertionError("unreachable")


async def signout(request: web.Request) -> web.StreamResponse:
    """End this session: its row is deleted, so the cookie is worthless even if kept."""
    viewer = viewer_of(request)
    await asyncio.to_thread(_end, runtime_of(request), viewer.session.nonce)
    redirect = see_other(f"{PREFIX}/signin")
    redirect.del_cookie(SESSION_COOKIE, path=PREFIX)
    raise redirect


async def signout_everywhere(request: web.Request) -> web.StreamResponse:
    """End every session of the signed-in agent (other browsers, a lost phone …)."""
    viewer = viewer_of(request)
    await asyncio.to_thread(_end_all, runtime_of(request), viewer.id, viewer.name)
    redirect = see_other(f"{PREFIX}/signin")
    redirect.del_cookie(SESSION_COOKIE, path=PREFIX)
    raise redirect


def _end_all(runtime: Any, agent_id: int, actor: str) -> None:
    with runtime.db.session() as db:
        agent = db.get(Agent, agent_id)
        if agent is not None:
            sign_out_everywhere(db, agent, actor, runtime.clock.now())


def _end(runtime: Any, nonce: str) -> None:
    with runtime.db.session() as db:
        end_session(db, nonce)


async def home(request: web.Request) -> web.StreamResponse:
    viewer = viewer_of(request)
    raise web.HTTPFound(f"{PREFIX}/{HOME[viewer.role]}")


def _safe_next(value: str | None) -> str:
    # Only paths inside the console: "next" must never send a signed-in agent to another site.
    if value and value.startswith(f"{PREFIX}/") and not value.startswith("//"):
        return value
    return ""


def _set_pre_cookie(request: web.Request, response: web.StreamResponse) -> None:
    _cookie(response, request, PRE_SESSION_COOKIE, request[PRE_NONCE])


def _cookie(response: web.StreamResponse, request: web.Request, name: str, value: str) -> None:
    secure = runtime_of(request).settings.secure_cookies
    response.set_cookie(name, value, path=PREFIX, httponly=True, samesite="Lax", secure=secure)


def setup_auth(app: web.Application) -> None:
    app.router.add_get("/", home)
    app.router.add_get("/signin", signin_page)
    app.router.add_post("/signin", signin)
    app.router.add_post("/signout", signout)
    app.router.add_post("/signout-everywhere", signout_everywhere)
