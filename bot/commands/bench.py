"""``aftersales bench turns``: the turn benchmark (figures, not a timed test)."""

from __future__ import annotations

import asyncio
import tempfile
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING

import click

from bot.commands import settings_of
from handoff.config.settings import Settings

if TYPE_CHECKING:
    from bot.bench.buyers import Buyers
    from bot.bench.servers import ServerGroup


@click.group()
def bench() -> None:
    """Benchmarks that print figures."""


@bench.command("turns")
@click.option("--customers", type=click.IntRange(1, 1000), default=16, show_default=True,
              help="Simulated customers talking at once.")
@click.option("--messages", type=click.IntRange(1, 100_000), default=50, show_default=True,
              help="Messages each customer sends.")
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Worker processes (more than one needs PostgreSQL).")
@click.option("--database-url", default=None,
              help="Database for the servers (default: a fresh SQLite file in a temp dir).")
@click.option("--url", default=None,
              help="Drive a server that already runs here instead of starting one "
                   "(needs --agent-token).")
@click.option("--agent-token", default=None, help="A supervisor's API token, with --url.")
@click.pass_context
def turns(ctx: click.Context, customers: int, messages: int, workers: int,
          database_url: str | None, url: str | None, agent_token: str | None) -> None:
    """Drive web chat customers (and an agent on the REST API) through real servers on
    loopback; print turns/s, latency percentiles, errors, outbox delay and peak RSS."""
    from bot.bench import cpu
    from bot.bench.buyers import Buyers, load_buyers
    from bot.bench.customers import load_scripts
    from bot.bench.driver import drive
    from bot.bench.push import platform_server
    from bot.bench.report import Delays, outbox_delays, render

    settings = settings_of(ctx)
    mix_file = settings.training_data_dir / "bench" / "customers.yml"
    scripts = load_scripts(mix_file)
    label = f"bench turns: {customers} customers x {messages} messages, {workers} worker(s)"
    if url:
        if not agent_token:
            raise click.UsageError("--url needs --agent-token (a supervisor's API token)")
        # A server we did not start: its database has no copies of the orders to hand out.
        tally, seconds = asyncio.run(drive((url.rstrip("/"),), agent_token, scripts,
                                           customers, messages, Buyers({})))
        click.echo(render(label=f"{label} at {url}", tally=tally, seconds=seconds,
                          delays=Delays(0, ()), rss_mb=[]))
        return
    with tempfile.TemporaryDirectory(prefix="aftersales-bench-") as tmp:
        run = _LocalRun(settings, Path(tmp), database_url, workers)
        token = run.prepare()
        buyers = load_buyers(mix_file)
        run.copy_orders(buyers, customers * messages)  # a conversation sends >= 1 message
        with platform_server(Path(tmp)) as (platform, webhook), run.servers(webhook) as group:
            started = cpu.sample(group.pids())
            tally, seconds = asyncio.run(drive((group.url,), token, scripts, customers,
                                               messages, buyers))
            used = cpu.summary(started, cpu.sample(group.pids()), seconds)
            delays = outbox_delays(run.url, tally.replied)  # waits for the last replies
            pushed = Delays(len(tally.replied), tuple(platform.settled_delays(tally.replied)))
            rss = group.peak_rss_mb()
        click.echo(render(label=f"{label}, {run.url.split(':', 1)[0]}", tally=tally,
                          seconds=seconds, delays=delays, rss_mb=rss, pushed=pushed))
        click.echo(f"cpu:            {used}")
        if tally.errors:  # the servers' own account of what failed
            log = (Path(tmp) / "server.log").read_text(errors="replace").splitlines()
            click.echo("\n".join(["server log (last lines):", *log[-150:]]), err=True)


class _LocalRun:
    """Servers this command starts: a database (a temp SQLite file unless one is given)."""

    def __init__(self, settings: Settings, tmp: Path, database_url: str | None,
                 workers: int) -> None:
        self.url = database_url or f"sqlite:///{tmp / 'bench.db'}"
        if workers > 1 and self.url.startswith("sqlite"):
            raise click.UsageError("--workers above 1 needs PostgreSQL: pass --database-url")
        self.settings = settings.model_copy(update={"database_url": self.url, "var_dir": tmp})
        self.tmp, self.workers = tmp, workers

    def prepare(self) -> str:
        from bot.bench.servers import prepare_database

        return prepare_database(self.settings)

    def copy_orders(self, buyers: Buyers, conversations: int) -> None:
        from handoff.store.db import Database

        database = Database(self.url)
        try:
            buyers.copy_orders(database, conversations)
        finally:
            database.dispose()

    def servers(self, extra_env: dict[str, str]) -> AbstractContextManager[ServerGroup]:
        from bot.bench.servers import serve

        env = {"DATABASE_URL": self.url, "AFTERSALES_VAR_DIR": str(self.tmp),
               "AFTERSALES_NLU_MODEL": str(self.settings.nlu_model_path),
               "AFTERSALES_SWEEP_INTERVAL_SECONDS": "5", **extra_env}
        return serve(env, self.workers, self.tmp / "server.log")
