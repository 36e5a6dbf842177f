"""The aiohttp application: one `setup_xxx(app, runtime)` line per area.

Channels (web chat, LINE, Telegram webhook), the agent API and the console each add their
routes with one line below; `setup_outbox` comes last so it sees every channel's sender.
"""

from __future__ import annotations

from aiohttp import web

from bot.channels.line.setup import setup_line
from bot.channels.telegram.setup import setup_telegram
from bot.channels.webchat.api import setup_webchat
from bot.engine.bot import Bot
from bot.http.errors import json_errors
from bot.runtime import Runtime, install
from bot.web.agent_api import setup_agent_api
from bot.web.console import setup_console
from bot.web.keys import BOT, RUNTIME, SENDERS
from bot.web.nlu_api import setup_nlu_api
from bot.web.outbox import setup_outbox

_FORM_OVERHEAD = 64 * 1024  # multipart headers and text fields around the photo


def create_app(runtime: Runtime) -> web.Application:
    """The web application over ``runtime`` (also makes it the actions' runtime)."""
    install(runtime)
    app = web.Application(middlewares=[json_errors],
                          client_max_size=runtime.settings.evidence_max_bytes + _FORM_OVERHEAD)
    app[RUNTIME] = runtime
    app[BOT] = Bot(runtime)
    app[SENDERS] = {}
    app.router.add_get("/healthz", _health)
    setup_webchat(app, runtime)
    setup_telegram(app, runtime)
    setup_line(app, runtime)
    setup_nlu_api(app, runtime)
    setup_agent_api(app, runtime)
    setup_console(app, runtime)
    setup_outbox(app, runtime)
    return app


async def _health(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})
