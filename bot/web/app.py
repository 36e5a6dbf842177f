"""The aiohttp application: the composition root's services, mounted.

The engine (`Bot`) is built once; every channel gets its ``handle`` and hands back a
`ChannelMount` (routes, background work) that the app installs. The agent API, the NLU API and
the console add their routes; the background jobs (the one outbox worker, the sweeper) start and
stop with the app.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import replace

from aiohttp import web

from bot.channels.email.setup import email_mount
from bot.channels.line.setup import line_mount
from bot.channels.telegram.setup import telegram_mount
from bot.channels.webchat.api import webchat_mount
from bot.engine.bot import Bot
from bot.http.errors import json_errors
from bot.http.headers import HeaderPolicy, frame_ancestors, security_headers
from bot.http.limits import form_errors, parser_limits, query_limit
from bot.logmask import install_log_masking
from bot.runtime import Runtime, install
from bot.web.agent_api import setup_agent_api
from bot.web.background import background_jobs
from bot.web.console import setup_console
from bot.web.health import METRICS, setup_health
from bot.web.keys import BOT, RUNTIME
from bot.web.nlu_api import setup_nlu_api
from bot.web.observe import Metrics, metered, observed
from bot.workers.singleton import singleton
from handoff.store.changes.listener import listener_for

_FORM_OVERHEAD = 64 * 1024  # multipart headers and text fields around the photo


def create_app(runtime: Runtime) -> web.Application:
    """The web application over ``runtime`` (also makes it the actions' runtime)."""
    install(runtime)
    install_log_masking(runtime.masker)
    settings = runtime.settings
    policy = HeaderPolicy(webchat_frame_ancestors=frame_ancestors(
        settings.webchat_allowed_origins))
    app = web.Application(client_max_size=settings.evidence_max_bytes + _FORM_OVERHEAD,
                          handler_args=parser_limits(settings.http_max_line_bytes))
    metrics = Metrics(runtime, app)
    # Headers outermost: every answer, a 4xx from the limits below included, carries them.
    app.middlewares.extend([security_headers(policy), observed(metrics), json_errors,
                            query_limit(settings.http_max_query_chars), form_errors])
    engine = Bot(runtime)
    app[RUNTIME], app[BOT], app[METRICS] = runtime, engine, metrics
    setup_health(app)
    handle = metered(engine.handle, metrics)
    telegram = telegram_mount(runtime, handle)
    if telegram is not None:  # long polling and the agent-group topics: one worker runs them
        telegram = replace(telegram, lifespans=(singleton(
            runtime.leases, "telegram", settings.lease_retry_seconds, telegram.lifespans),))
    for mount in (webchat_mount(runtime, handle), telegram, line_mount(runtime, handle),
                  email_mount(runtime)):
        if mount is not None:
            mount.install(app)
    setup_nlu_api(app, runtime)
    setup_agent_api(app, runtime)
    setup_console(app, runtime)
    app.cleanup_ctx.append(_hear_other_workers)  # before the jobs: up first, stopped last
    app.cleanup_ctx.extend(background_jobs(runtime))
    app.on_cleanup.append(_release_leases)
    return app


async def _hear_other_workers(app: web.Application) -> AsyncIterator[None]:
    # One LISTEN connection per worker (PostgreSQL only): the other workers' commits wake this
    # worker's live pages and model follower at once.
    runtime = app[RUNTIME]
    listener = listener_for(runtime.db, retry_seconds=runtime.settings.change_feed_retry_seconds,
                            check_seconds=runtime.settings.change_feed_check_seconds)
    if listener is not None:
        listener.start()
    yield
    if listener is not None:
        await asyncio.to_thread(listener.stop)


async def _release_leases(app: web.Application) -> None:
    # After the jobs stopped (cleanup contexts run first): an app stopped inside a process that
    # goes on (tests, a restart) must not keep the sweeper's lease on a leaked connection.
    await asyncio.to_thread(app[RUNTIME].leases.release_all)

