"""The ``aftersales`` command line: one root group; each area adds its commands here."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import click

from bot.commands import open_database, settings_of
from bot.commands.agents import agents as agents_group
from bot.commands.agents import sweep as sweep_command
from bot.commands.bench import bench as bench_group
from bot.commands.conversations import test_group
from bot.commands.credentials import COMMANDS as CREDENTIAL_COMMANDS
from bot.commands.inbox import inbox as inbox_group
from bot.commands.privacy import customer as customer_group
from bot.commands.privacy import privacy as privacy_group
from bot.commands.rasa import rasa as rasa_group
from bot.commands.report import report as report_command
from bot.commands.review import review as nlu_review
from bot.commands.serve import serve as serve_command
from bot.commands.shell import shell as shell_command
from handoff.config.settings import Settings, load_settings
from handoff.config.tables import load_queues, sync_queues
from handoff.store.order_import import OrderImportError, import_orders
from nlu.cli import nlu as nlu_group


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="aftersales-bot")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """After-sales customer-service bot with warm human handoff.

    Settings come from AFTERSALES_* environment variables, DATABASE_URL, TELEGRAM_* / LINE_*
    and an optional TOML file named by AFTERSALES_CONFIG (see the README's settings table).
    """
    if ctx.obj is None:
        ctx.obj = load_settings()


@cli.group()
def db() -> None:
    """Database schema (Alembic migrations)."""


@db.command("upgrade")
@click.pass_context
def db_upgrade(ctx: click.Context) -> None:
    """Create or migrate the schema to the newest revision and load the queue table."""
    # WHY here: Alembic (~9 MB) would otherwise load in every `aftersales serve` worker.
    from handoff.store.migrate import upgrade

    settings = settings_of(ctx)
    database = open_database(settings)
    upgrade(database)
    with database.session() as session:
        count = sync_queues(session, load_queues(_path(settings.queues_file)))
    click.echo(f"database {database.engine.url.render_as_string()} is up to date; {count} queues")


@db.command("backup")
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
def db_backup(ctx: click.Context, target: Path) -> None:
    """Copy the SQLite database to TARGET while the product runs (SQLite's online backup);
    on PostgreSQL, use pg_dump."""
    from bot.commands.backup import backup_sqlite

    settings = settings_of(ctx)
    click.echo(backup_sqlite(settings.database_url, target))


@cli.group()
def orders() -> None:
    """Shop orders the bot can look up."""


@orders.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_context
def orders_import(ctx: click.Context, file: Path) -> None:
    """Import orders from FILE (.csv with a header row, or .json: a list of objects).

    \b
    Columns:
      order_id, customer_name, phone, channel,
      status (paid | shipped | delivered | cancelled | returned),
      carrier, tracking_no, item, category, amount, currency,
      paid_at, shipped_at, delivered_at, member_level, unused (true/false)

    A JSON object {"orders": [...]} is read too; the demo file (training_data/demo/orders.json,
    dates as *_days_ago) is dated around today. Dates are ISO 8601; without a zone they are
    shop time. A file with any bad row imports
    nothing: each bad row is listed with its line and reason. Importing an order again
    updates it. Phones are stored masked.
    """
    settings = settings_of(ctx)
    database = open_database(settings)
    try:
        with database.session() as session:
            result = import_orders(
                session, _importable(file, settings), timezone=settings.timezone,
                digest_key=settings.secret_key.get_secret_value(),
            )
    except OrderImportError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        database.dispose()
    click.echo(f"imported {file}: {result.created} new, {result.updated} updated")


@orders.command("sync")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_context
def orders_sync(ctx: click.Context, file: Path) -> None:
    """Incremental re-import from FILE (same formats as import, plus an updated_at column):
    orders changed since the stored updated_at are written, unchanged ones are skipped,
    orders not in the file are kept."""
    from handoff.integrations.orders.sync import sync_orders

    settings = settings_of(ctx)
    database = open_database(settings)
    try:
        with database.session() as session:
            result = sync_orders(session, _importable(file, settings),
                                 timezone=settings.timezone,
                                 digest_key=settings.secret_key.get_secret_value())
    except OrderImportError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        database.dispose()
    click.echo(f"synced {file}: {result.created} new, {result.updated} updated, "
               f"{result.unchanged} unchanged")


def _importable(file: Path, settings: Settings) -> Path:
    from bot.demo import importable

    today = datetime.now(ZoneInfo(settings.timezone)).date()
    return importable(file, settings.var_dir, today, settings.timezone)


@cli.command()
@click.option("--no-serve", is_flag=True, help="Set up only; do not start the web server.")
@click.option("--port", type=int, default=None, help="Port (default: settings.port).")
@click.pass_context
def demo(ctx: click.Context, no_serve: bool, port: int | None) -> None:
    """Run the demo: train the model if missing, migrate, import demo orders dated around
    today, seed demo staff, then serve the web chat and console and print their URLs."""
    from bot.demo import load_demo_orders, seed_demo_agents
    from bot.model_holder import ensure_model_file

    settings = settings_of(ctx)
    if ensure_model_file(settings.training_data_dir, settings.nlu_model_path):
        click.echo(f"demo: trained the NLU model into {settings.nlu_model_path}")
    ctx.invoke(db_upgrade)
    today = datetime.now(ZoneInfo(settings.timezone)).date()
    database = open_database(settings)
    with database.session() as session:
        result = load_demo_orders(session, settings, today)
        logins = seed_demo_agents(session, settings.training_data_dir / "demo" / "agents.yml",
                                  datetime.now(ZoneInfo("UTC")))
    database.dispose()
    click.echo(f"demo: {result.created + result.updated} demo orders dated relative to "
               f"{today.isoformat()}")
    click.echo("demo staff (console sign-in and API tokens, new on every run):")
    for login in logins:
        click.echo(f"  {login.name:<6} {login.role:<10} password {login.password}  "
                   f"token {login.token}")
    if not no_serve:
        from bot.commands.serve import run_server

        run_server(settings, settings.host, port or settings.port)


cli.add_command(nlu_group)
cli.add_command(rasa_group)
cli.add_command(serve_command)
cli.add_command(agents_group)
cli.add_command(privacy_group)
cli.add_command(customer_group)
for _command in CREDENTIAL_COMMANDS:
    agents_group.add_command(_command)
cli.add_command(report_command)
cli.add_command(sweep_command)
cli.add_command(inbox_group)
cli.add_command(test_group)
cli.add_command(shell_command)
cli.add_command(bench_group)
nlu_group.add_command(nlu_review)


def _path(value: Path | None) -> Path:
    assert value is not None  # filled in by Settings
    return value


def main() -> None:
    cli(prog_name="aftersales")
