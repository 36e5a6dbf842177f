"""``aftersales serve``: the web application (web chat, APIs, console) on one port."""

from __future__ import annotations

import errno
import socket

import click
from aiohttp import web

from bot.commands import settings_of
from handoff.config.settings import DEFAULT_SECRET, Settings

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def run_server(settings: Settings, host: str, port: int, *, reuse_port: bool = False) -> None:
    """Build the runtime and serve until interrupted."""
    from bot.runtime import build_runtime
    from bot.web.app import create_app

    if not reuse_port:
        check_port(host, port)
    if not settings.nlu_model_path.exists():
        raise click.ClickException(
            f"no NLU model at {settings.nlu_model_path}: run `aftersales nlu train` first")
    refuse_default_secret(settings, host)
    app = create_app(build_runtime(settings))
    click.echo(f"web chat:      http://{host}:{port}/webchat/")
    click.echo(f"agent console: http://{host}:{port}/console/")
    telegram = "on" if settings.telegram_bot_token else "off (set TELEGRAM_BOT_TOKEN)"
    line = "on" if settings.line_channel_secret else "off (set LINE_CHANNEL_SECRET)"
    click.echo(f"Telegram: {telegram} · LINE: {line}")
    try:
        # access_log=None: aiohttp's line prints the query string (web chat tokens travel
        # there); the app logs its own line per request (bot.web.observe).
        web.run_app(app, host=host, port=port, print=None, access_log=None,
                    reuse_port=reuse_port or None)
    except OSError as exc:  # taken between the check and the bind
        if exc.errno != errno.EADDRINUSE:
            raise
        raise click.ClickException(port_taken(port)) from None


def port_taken(port: int) -> str:
    return f"port {port} is taken: set AFTERSALES_PORT or pass --port"


def check_port(host: str, port: int) -> None:
    """One clear line, not a traceback, when another process holds the port (checked before
    the channels start, so nothing connects to a platform for nothing)."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as aiohttp binds
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise click.ClickException(port_taken(port)) from None
            raise


def refuse_default_secret(settings: Settings, host: str) -> None:
    """Anyone who knows the default secret can forge web chat tokens and phone digests, so it
    is only good on this machine."""
    if settings.secret_key.get_secret_value() == DEFAULT_SECRET and host not in LOOPBACK:
        raise click.ClickException(
            f"refusing to listen on {host} with the default AFTERSALES_SECRET_KEY: set it to a "
            "long random value, e.g. AFTERSALES_SECRET_KEY=$(python3 -c 'import secrets; "
            "print(secrets.token_urlsafe(32))')")


@click.command()
@click.option("--host", default=None, help="Address to listen on (default: settings.host).")
@click.option("--port", type=int, default=None, help="Port (default: settings.port).")
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Worker processes sharing the port (more than one needs PostgreSQL).")
@click.option("--reuse-port", is_flag=True, hidden=True,
              help="Bind with SO_REUSEPORT (how each of --workers' processes binds).")
@click.pass_context
def serve(ctx: click.Context, host: str | None, port: int | None, workers: int,
          reuse_port: bool) -> None:
    """Serve the web chat, the model/parse API and the other web routes."""
    from bot.workers.supervisor import refuse_sqlite, run_workers

    settings = settings_of(ctx)
    host, port = host or settings.host, port or settings.port
    refuse_sqlite(settings.database_url, workers)
    if workers > 1:
        check_port(host, port)
        refuse_default_secret(settings, host)
        ctx.exit(run_workers(host, port, workers))
    run_server(settings, host, port, reuse_port=reuse_port)
