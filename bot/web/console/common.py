"""What every console module shares: the runtime it needs, app keys, the viewer, rendering."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from aiohttp import web

from bot.review.jobs import ModelSlot, Retrainer
from bot.web.console.auth.sessions import ConsoleSession, Signer
from handoff.agents.service import AgentService
from handoff.config.i18n import LOCALES, words
from handoff.config.settings import Settings
from handoff.config.templating import environment
from handoff.store.clock import Clock
from handoff.store.db import Database
from handoff.store.models import AgentRole, Availability

PREFIX = "/console"


class ConsoleRuntime(Protocol):
    """The parts of the bot's runtime the console uses."""

    @property
    def settings(self) -> Settings: ...
    @property
    def db(self) -> Database: ...
    @property
    def clock(self) -> Clock: ...
    @property
    def models(self) -> ModelSlot: ...
    @property
    def agents(self) -> AgentService: ...


RUNTIME = web.AppKey("console_runtime", ConsoleRuntime)
SIGNER = web.AppKey("console_signer", Signer)
RETRAINER = web.AppKey("console_retrainer", Retrainer)


@dataclass(frozen=True)
class Viewer:
    """The signed-in agent, as read from the agents table on this request."""

    id: int
    name: str
    display_name: str
    role: AgentRole
    queues: tuple[str, ...]
    session: ConsoleSession
    locale: str = "en"  # the console's language, chosen per agent (agents.locale)
    availability: str = "offline"

    @property
    def label(self) -> str:
        return self.display_name or self.name


VIEWER = web.RequestKey("console_viewer", Viewer)
PRE_NONCE = web.RequestKey("console_pre_nonce", str)


def runtime_of(request: web.Request) -> ConsoleRuntime:
    return request.app[RUNTIME]


def viewer_of(request: web.Request) -> Viewer:
    viewer = request.get(VIEWER)
    if viewer is None:  # the auth middleware sets it on every private route
        raise web.HTTPFound(f"{PREFIX}/signin")
    return viewer


def require_role(request: web.Request, *roles: AgentRole) -> Viewer:
    """The viewer, or 403 when their role may not see this page."""
    viewer = viewer_of(request)
    if viewer.role not in roles:
        raise forbidden(request, "Your role cannot open this page.")
    return viewer


def render(request: web.Request, template: str, status: int = 200, **context: Any) -> web.Response:
    """Render ``templates/console/<template>`` (autoescaped) with the layout's variables."""
    runtime = runtime_of(request)
    env = environment(runtime.settings.templates_dir)
    viewer = request.get(VIEWER)
    nonce = viewer.session.nonce if viewer is not None else request.get(PRE_NONCE, "")
    agent_words = words(runtime.settings.templates_dir, viewer.locale if viewer else "en")
    html = env.get_template(f"console/{template}").render(
        viewer=viewer, w=agent_words, locales=LOCALES, availabilities=list(Availability),
        csrf_token=request.app[SIGNER].csrf_token(nonce) if nonce else "",
        prefix=PREFIX, roles=AgentRole, **context)
    return web.Response(text=html, content_type="text/html", charset="utf-8", status=status)


def forbidden(request: web.Request, message: str) -> web.HTTPForbidden:
    page = render(request, "error.html", status=403, title="Forbidden", message=message)
    return web.HTTPForbidden(text=page.text, content_type="text/html")


def not_found(request: web.Request, message: str) -> web.HTTPNotFound:
    page = render(request, "error.html", status=404, title="Not found", message=message)
    return web.HTTPNotFound(text=page.text, content_type="text/html")


def see_other(location: str) -> web.HTTPSeeOther:
    """Post/redirect/get: a successful form post answers with a redirect."""
    return web.HTTPSeeOther(location)
