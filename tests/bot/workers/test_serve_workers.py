"""``aftersales serve --workers N`` is for PostgreSQL: on SQLite it refuses with one clear line."""

from __future__ import annotations

from click.testing import CliRunner

from bot.cli import cli
from handoff.config.settings import Settings


def test_serve_refuses_several_workers_on_sqlite(settings: Settings) -> None:
    result = CliRunner().invoke(cli, ["serve", "--workers", "2"], obj=settings)
    assert result.exit_code == 1
    assert "--workers 2 needs PostgreSQL: SQLite is for one process" in result.output


def test_bench_refuses_several_workers_on_sqlite(settings: Settings) -> None:
    result = CliRunner().invoke(cli, ["bench", "turns", "--workers", "2"], obj=settings)
    assert result.exit_code == 2
    assert "--workers above 1 needs PostgreSQL" in result.output
