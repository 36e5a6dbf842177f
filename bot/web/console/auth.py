"""Sign-in, sign-out and the guard every console request passes.

The guard reads the signed session cookie and the agent row, redirects a signed-out request to
the sign-in page, refuses an unsafe request without the CSRF token, and adds security headers.
"""

from __future__ import annotations

import asyncio
import secrets
from datetime import timedelta
from typing import Any
from urllib.parse import quote

from aiohttp import web
from aiohttp.typedefs import Handler

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
from bot.web.console.csrf import UNSAFE_METHODS, csrf_valid, refuse
from bot.web.console.passwords import LockoutPolicy, SignInOutcome, check_credentials
from bot.web.console.sessions import PRE_SESSION_COOKIE, SESSION_COOKIE, ConsoleSession
from handoff.store.models import Agent, AgentRole

PUBLIC = (f"{PREFIX}/signin", f"{PREFIX}/static/")
HOME = {AgentRole.AGENT: "inbox", AgentRole.SUPERVISOR: "dashboard", AgentRole.TRAINER: "training"}
SECURITY_HEADERS = {
    # No inline script or style is allowed: even a missed escape could not run code.
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; object-src 'none'; "
                               "base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


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
    response = await handler(request)
    response.headers.update(SECURITY_HEADERS)
    if not request.path.startswith(f"{PREFIX}/static/"):
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def _pre_nonce(request: web.Request) -> str:
    nonce = request.cookies.get(PRE_SESSION_COOKIE) or secrets.token_urlsafe(16)
    request[PRE_NONCE] = nonce
    return nonce


async def _load_viewer(request: web.Request) -> str | None:
    runtime = runtime_of(request)
    session = request.app[SIGNER].decode(request.cookies.get(SESSION_COOKIE), runtime.clock.now())
    if session is None:
        return None
    with runtime.db.session() as db:
        agent = db.get(Agent, session.agent_id)
        if agent is None or not agent.active:
            return None
        request[VIEWER] = _viewer(agent, session)
    return session.nonce


def _viewer(agent: Agent, session: ConsoleSession) -> Viewer:
    return Viewer(agent.id, agent.name, agent.display_name, AgentRole(agent.role),
                  tuple(str(q) for q in agent.queues or ()), session)


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
                           timedelta(minutes=settings.console_lockout_minutes))
    result = await asyncio.to_thread(_check, runtime, name, password, now, policy)
    target = _safe_next(str(form.get("next", "")))
    if result.outcome is not SignInOutcome.OK or result.agent_id is None:
        error = ("Too many failed attempts: this sign-in is locked for now. Try again later."
                 if result.outcome is SignInOutcome.LOCKED else "Wrong name or password.")
        response = render(request, "signin.html", status=401, title="Sign in", error=error,
                          name=name, next=target)
        _set_pre_cookie(request, response)
        return response
    session = request.app[SIGNER].new_session(
        result.agent_id, now, timedelta(hours=settings.console_session_hours))
    redirect = see_other(target or f"{PREFIX}/")
    _cookie(redirect, request, SESSION_COOKIE, request.app[SIGNER].encode(session))
    redirect.del_cookie(PRE_SESSION_COOKIE, path=PREFIX)
    raise redirect


def _check(runtime: Any, name: str, password: str, now: Any, policy: LockoutPolicy) -> Any:
    with runtime.db.session() as db:
        return check_credentials(db, name, password, now, policy)


async def signout(request: web.Request) -> web.StreamResponse:
    redirect = see_other(f"{PREFIX}/signin")
    redirect.del_cookie(SESSION_COOKIE, path=PREFIX)
    raise redirect


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
    secure = runtime_of(request).settings.console_secure_cookie
    response.set_cookie(name, value, path=PREFIX, httponly=True, samesite="Lax", secure=secure)


def setup_auth(app: web.Application) -> None:
    app.router.add_get("/", home)
    app.router.add_get("/signin", signin_page)
    app.router.add_post("/signin", signin)
    app.router.add_post("/signout", signout)
