"""Commands other areas add to the ``aftersales`` groups (registered in ``bot/cli.py``), and the
two things every command needs: the settings the root group loaded, and a database on them."""

from __future__ import annotations

import click

from handoff.config.settings import Settings
from handoff.store.db import Database


def settings_of(ctx: click.Context) -> Settings:
    """The settings the root ``aftersales`` group loaded."""
    settings = ctx.find_root().obj
    if not isinstance(settings, Settings):
        raise click.UsageError("settings are not loaded")
    return settings


def open_database(settings: Settings) -> Database:
    """The store named by ``DATABASE_URL``."""
    return Database(settings.database_url, busy_timeout_ms=settings.sqlite_busy_timeout_ms)
