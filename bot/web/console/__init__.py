"""The agent console: server-rendered pages under ``/console/`` on the bot's aiohttp app.

``setup_console(app, runtime)`` mounts it as a sub-application with its own guard (sign-in,
CSRF, security headers). Pages are thin: they call the handoff services and the review loop and
render ``templates/console/*.html`` through the one autoescaping Jinja environment.
"""

from __future__ import annotations

from pathlib import Path

from aiohttp import web

from bot.http.headers import HeaderPolicy, security_headers
from bot.review.jobs import Retrainer
from bot.web.console.auth.sessions import Signer
from bot.web.console.auth.signin import guard, setup_auth
from bot.web.console.common import PREFIX, RETRAINER, RUNTIME, SIGNER, ConsoleRuntime
from bot.web.console.live import setup_live
from bot.web.console.pages.risk import setup_risk_review
from bot.web.console.pages.webhooks import setup_webhooks
from bot.web.console.pages.widget import setup_widget
from bot.web.console.pages_agent import setup_agent_pages
from bot.web.console.pages_staff import setup_staff
from bot.web.console.pages_supervisor import setup_supervisor
from bot.web.console.pages_trainer import setup_trainer
from bot.web.console.service import AGENT_SERVICE

STATIC_DIR = Path(__file__).resolve().parent / "static"


def create_console(runtime: ConsoleRuntime) -> web.Application:
    """The console sub-application (mounted at ``/console``)."""
    settings = runtime.settings
    # The headers again here: the console also runs as an app of its own (tests, embedding).
    console = web.Application(middlewares=[security_headers(HeaderPolicy()), guard])
    console[RUNTIME] = runtime
    console[SIGNER] = Signer(settings.secret_key.get_secret_value())
    console[RETRAINER] = Retrainer(settings.training_data_dir, settings.nlu_model_path,
                                   settings.var_dir / "nlu_review")
    console[AGENT_SERVICE] = runtime.agents
    console.on_cleanup.append(_stop_retrain)
    setup_auth(console)
    setup_live(console)
    setup_agent_pages(console)
    setup_supervisor(console)
    setup_staff(console)
    setup_trainer(console)
    setup_webhooks(console)
    setup_risk_review(console)
    setup_widget(console)
    console.router.add_static("/static", STATIC_DIR)
    return console


def setup_console(app: web.Application, runtime: ConsoleRuntime) -> None:
    """Mount the console on the bot's web app; ``/console`` redirects to ``/console/``."""
    app.add_subapp(PREFIX, create_console(runtime))
    app.router.add_get(PREFIX, _to_console)


async def _to_console(request: web.Request) -> web.StreamResponse:
    raise web.HTTPFound(f"{PREFIX}/")


async def _stop_retrain(app: web.Application) -> None:
    await app[RETRAINER].close()


__all__ = ["create_console", "setup_console"]
