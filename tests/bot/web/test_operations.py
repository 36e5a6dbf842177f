"""Day-one operations: health and readiness, Prometheus metrics, one access-log line per
request, a clear line when the port is taken, and ``aftersales db backup``."""

from __future__ import annotations

import logging
import socket
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from prometheus_client.parser import text_string_to_metric_families

from bot.cli import cli
from handoff.config.settings import Settings
from handoff.store.db import Database
from tests.bot.chat import Chat


@pytest.fixture
def db(sqlite_store: Database) -> Database:
    """Engine-independent behaviour: SQLite only."""
    return sqlite_store


async def _get(chat: Chat, path: str) -> tuple[int, str]:
    async with chat.http.get(chat.url(path)) as response:
        return response.status, await response.text()


async def test_healthz_says_the_process_answers(chat: Chat) -> None:
    async with chat.http.get(chat.url("/healthz")) as response:
        assert response.status == 200 and (await response.json()) == {"status": "ok"}


async def test_readyz_reports_database_model_channels_and_outbox(chat: Chat) -> None:
    await chat.say("你好")
    async with chat.http.get(chat.url("/readyz")) as response:
        assert response.status == 200
        report = await response.json()
    assert report["status"] == "ready"
    assert report["database"] == {"reachable": True}
    assert report["model"] == {"loaded": True, "trained_at": chat.runtime.models.model.metadata[
        "trained_at"]}  # which model this worker serves (workers follow a deploy)
    assert report["channels"]["webchat"]["state"] == "connected"
    assert set(report["outbox"]) == {"backlog", "oldest_pending_seconds"}


async def test_metrics_parse_as_prometheus_text_and_count_turns(chat: Chat) -> None:
    await chat.say("你好")
    status, body = await _get(chat, "/metrics")
    assert status == 200
    samples = {(s.name, tuple(sorted(s.labels.items()))): s.value
               for family in text_string_to_metric_families(body) for s in family.samples}
    assert samples[("aftersales_turns_total", (("channel", "webchat"),))] == 1
    assert ("aftersales_outbox_backlog", ()) in samples
    assert ("aftersales_outbox_oldest_pending_seconds", ()) in samples
    assert ("aftersales_handoffs_total", ()) in samples
    assert any(name == "aftersales_http_request_seconds_count" for name, _ in samples)


async def test_each_request_is_one_access_log_line_without_the_query(
        chat: Chat, caplog: pytest.LogCaptureFixture) -> None:
    await chat.say("你好")
    with caplog.at_level(logging.INFO, logger="aftersales.access"):
        await chat.poll()
    [line] = [r.getMessage() for r in caplog.records if r.name == "aftersales.access"]
    assert line.startswith("GET /webchat/api/messages 200 ") and line.endswith("ms")
    assert "token" not in line and "user_id" not in line


def test_a_taken_port_is_one_clear_line(tmp_path: Path) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        settings = Settings(var_dir=tmp_path / "var")
        result = CliRunner().invoke(cli, ["serve", "--port", str(port)], obj=settings)
    assert result.exit_code != 0
    assert f"port {port} is taken: set AFTERSALES_PORT or pass --port" in result.output
    assert "Traceback" not in result.output


def test_db_backup_copies_a_running_sqlite_store(tmp_path: Path, db: Database) -> None:
    settings = Settings(var_dir=tmp_path / "var", database_url=db.url)
    target = tmp_path / "backup.db"
    result = CliRunner().invoke(cli, ["db", "backup", str(target)], obj=settings)
    assert result.exit_code == 0, result.output
    with sqlite3.connect(target) as copy:
        tables = {row[0] for row in copy.execute("SELECT name FROM sqlite_master")}
    copy.close()
    assert {"messages", "cases", "outbox"} <= tables


def test_db_backup_on_postgresql_points_to_pg_dump(tmp_path: Path) -> None:
    settings = Settings(var_dir=tmp_path / "var",
                        database_url="postgresql+psycopg://shop@db.example/aftersales")
    result = CliRunner().invoke(cli, ["db", "backup", str(tmp_path / "x.dump")], obj=settings)
    assert result.exit_code != 0 and "pg_dump" in result.output
