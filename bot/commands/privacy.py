"""``aftersales privacy purge`` and ``aftersales customer erase | export``: retention and a
customer's rights over their data (see README, "Privacy")."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import click

from bot.commands import open_database, settings_of
from handoff.config.settings import Settings
from handoff.privacy.erasure import Erased, erase_customer, export_customer, purge_before
from handoff.store.clock import SystemClock


@click.group()
def privacy() -> None:
    """Retention of customers' data."""


@privacy.command("purge")
@click.option("--older-than", "days", type=click.IntRange(min=1), default=None,
              help="Days to keep (default AFTERSALES_RETENTION_DAYS).")
@click.pass_context
def purge(ctx: click.Context, days: int | None) -> None:
    """Empty the messages and delete the photos of finished conversations older than DAYS;
    the anonymous case figures stay."""
    settings = settings_of(ctx)
    before = SystemClock().now() - timedelta(days=days or settings.retention_days)
    database = open_database(settings)
    try:
        with database.session() as session:
            result = purge_before(session, before)
    finally:
        database.dispose()
    _delete_files(settings, result)
    click.echo(f"purged before {before:%Y-%m-%d}: {result.messages} messages emptied, "
               f"{len(result.files)} photo files deleted")


@click.group()
def customer() -> None:
    """One customer's data: export it, erase it."""


@customer.command("erase")
@click.argument("contact")
@click.pass_context
def erase(ctx: click.Context, contact: str) -> None:
    """Erase CONTACT (channel:id, e.g. webchat:abc or line:U123, or a person id) on every
    channel: messages, photos, contact links, identifiers. Case statistics stay, anonymised."""
    settings = settings_of(ctx)
    database = open_database(settings)
    try:
        with database.session() as session:
            result = erase_customer(session, contact)
    finally:
        database.dispose()
    if not result.customers:
        raise click.ClickException(f"no customer {contact!r}")
    _delete_files(settings, result)
    click.echo(f"erased {result.customers} identities: {result.messages} messages, "
               f"{len(result.files)} photo files")


@customer.command("export")
@click.argument("contact")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the JSON here (default: stdout).")
@click.pass_context
def export(ctx: click.Context, contact: str, output: Path | None) -> None:
    """Write what is held about CONTACT as JSON."""
    database = open_database(settings_of(ctx))
    try:
        with database.session() as session:
            data = export_customer(session, contact)
    finally:
        database.dispose()
    if not data["identities"]:
        raise click.ClickException(f"no customer {contact!r}")
    text = json.dumps(data, ensure_ascii=False, indent=2)
    if output is None:
        click.echo(text)
    else:
        output.write_text(text + "\n", encoding="utf-8")


def _delete_files(settings: Settings, result: Erased) -> None:
    root = settings.evidence_dir.resolve()
    for uri in result.files:
        path = (root / uri.removeprefix("evidence:")).resolve()
        if path.is_relative_to(root):
            path.unlink(missing_ok=True)
