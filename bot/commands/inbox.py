"""``aftersales inbox``: the webhook events the channels could not process yet.

A LINE event whose turn keeps failing (not a store outage) is parked after
``AFTERSALES_INBOX_MAX_FAILURES`` tries, so it stops holding back that customer's later
messages. Operators list what is parked or still failing, retry it after a fix, and purge
processed rows they no longer need.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import click

from bot.channels.line.preview import event_preview
from bot.commands import open_database, settings_of
from handoff.store.inbox import InboxEntry, purge_processed, retry_parked, unfinished


def _line(entry: InboxEntry) -> str:
    state = "parked" if entry.parked_at else "retrying" if entry.last_error else "pending"
    return (f"{entry.key}\t{state}\t{entry.received_at.isoformat(timespec='seconds')}\t"
            f"failures {entry.failures}\t{event_preview(entry.payload)}\t{entry.last_error[:120]}")


@click.group()
def inbox() -> None:
    """Webhook events not processed yet: parked after repeated failures, retrying, pending."""


@inbox.command("list")
@click.option("--parked", "parked_only", is_flag=True, help="Only the parked events.")
@click.pass_context
def inbox_list(ctx: click.Context, parked_only: bool) -> None:
    """List unprocessed events: key, state, received, failures, message, last error."""
    database = open_database(settings_of(ctx))
    with database.session() as session:
        entries = unfinished(session, parked_only=parked_only)
    database.dispose()
    for entry in entries:
        click.echo(_line(entry))
    click.echo(f"{len(entries)} event(s)", err=True)


@inbox.command("retry")
@click.argument("keys", nargs=-1)
@click.option("--all", "every", is_flag=True, help="Every parked event.")
@click.pass_context
def inbox_retry(ctx: click.Context, keys: tuple[str, ...], every: bool) -> None:
    """Make parked events KEYS (or --all) due again; the running app processes them next."""
    if bool(keys) == every:
        raise click.UsageError("give the keys of parked events, or --all")
    database = open_database(settings_of(ctx))
    with database.session() as session:
        requeued = retry_parked(session, None if every else keys, datetime.now(UTC))
    database.dispose()
    missing = sorted(set(keys) - set(requeued))
    if missing:
        raise click.ClickException(f"not parked (or unknown): {', '.join(missing)}"
                                   + (f"; requeued {len(requeued)}" if requeued else ""))
    click.echo(f"requeued {len(requeued)} event(s)")


@inbox.command("purge")
@click.option("--older-than-days", type=click.IntRange(min=1), required=True,
              help="Delete processed events older than this.")
@click.pass_context
def inbox_purge(ctx: click.Context, older_than_days: int) -> None:
    """Delete processed events (retention); unprocessed and parked ones are kept."""
    database = open_database(settings_of(ctx))
    with database.session() as session:
        removed = purge_processed(session, datetime.now(UTC) - timedelta(days=older_than_days))
    database.dispose()
    click.echo(f"purged {removed} processed event(s)")
