"""``aftersales db backup FILE``: SQLite's online backup API, so the copy is consistent even
while the product writes (WAL). PostgreSQL has its own tool, ``pg_dump``, which we point to."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import click
from sqlalchemy.engine import make_url


def backup_sqlite(database_url: str, target: Path) -> str:
    """Back the SQLite database of ``database_url`` up into ``target``; the line to print."""
    url = make_url(database_url)
    if not url.get_backend_name().startswith("sqlite"):
        raise click.ClickException(
            "this database is PostgreSQL: back it up with pg_dump, e.g. "
            f"pg_dump --format=custom --file={target} {url.database}")
    if not url.database or not Path(url.database).exists():
        raise click.ClickException(f"no SQLite database at {url.database}")
    if target.exists():
        raise click.ClickException(f"{target} exists; choose a new file")
    with sqlite3.connect(url.database) as source, sqlite3.connect(target) as copy:
        source.backup(copy)
    source.close()
    copy.close()
    return f"backed up {url.database} to {target} ({target.stat().st_size} bytes)"
