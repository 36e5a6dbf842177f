"""The supervisor's widget page: the ``<script>`` line that puts the web chat on the shop's
site (per locale, with this server's address), the origins allowed to embed it, and whether
supervisor alert mails are on. Read-only: both are settings (see the README)."""

from __future__ import annotations

from aiohttp import web

from bot.web.console.common import render, require_role, runtime_of
from handoff.config.replies import LOCALES
from handoff.store.models import AgentRole


async def widget(request: web.Request) -> web.StreamResponse:
    require_role(request, AgentRole.SUPERVISOR)
    settings = runtime_of(request).settings
    # The public URL when configured; else the address this page was opened at.
    base = settings.public_url.rstrip("/") or str(request.url.origin())
    snippets = {locale: f'<script src="{base}/webchat/embed.js" data-locale="{locale}" async>'
                        "</script>" for locale in LOCALES}
    return render(request, "widget.html", title="Chat widget", snippets=snippets,
                  origins=settings.webchat_allowed_origins,
                  alerts=settings.email_alerts, supervisors=settings.supervisor_emails)


def setup_widget(app: web.Application) -> None:
    app.router.add_get("/widget", widget)
