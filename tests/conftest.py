"""Shared fixtures: a migrated database on each engine, an injectable clock, settings.

Store tests take the ``db`` fixture and run once on SQLite and once on PostgreSQL. PostgreSQL
comes from ``TEST_DATABASE_URL`` (``.ci/run`` sets it); each pytest process creates its own
throw-away database on that server, so parallel runs never see each other's rows.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bot.model_holder import ModelHolder, train_model_file
from handoff.config.paths import default_training_data_dir
from handoff.config.settings import Settings
from handoff.config.tables import load_queues, sync_queues
from handoff.store.clock import ManualClock
from handoff.store.db import Database
from handoff.store.migrate import upgrade
from handoff.store.models import Base

ENGINES = ["sqlite", "postgresql"]
# Thursday 2026-11-05 10:00 in Shanghai: inside business hours, early in the month.
START = datetime(2026, 11, 5, 2, 0, tzinfo=UTC)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file; each test gets a copy (much faster than migrating again)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    database = Database(f"sqlite:///{path}")
    upgrade(database)
    database.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this pytest process, migrated once."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        pytest.skip("PostgreSQL tests need TEST_DATABASE_URL (bash .ci/run sets it)")
    name = f"aftersales_t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        admin.dispose()
        pytest.skip(f"PostgreSQL at TEST_DATABASE_URL is not reachable: {exc}")
    url = make_url(base).set(database=name).render_as_string(hide_password=False)
    database = Database(url)
    upgrade(database)
    database.dispose()
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _clean_postgres(database: Database) -> None:
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with database.engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


@pytest.fixture(params=ENGINES)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A URL of an empty, migrated database, once per engine."""
    if request.param == "sqlite":
        path = tmp_path / "store.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    url: str = request.getfixturevalue("postgres_url")
    database = Database(url)
    _clean_postgres(database)
    database.dispose()
    return url


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    """The store on each engine, with the default queue table loaded."""
    database = Database(db_url)
    with database.session() as session:
        sync_queues(session, load_queues(default_training_data_dir() / "handoff" / "queues.yml"))
    yield database
    database.dispose()


@pytest.fixture
def sqlite_db(tmp_path: Path, sqlite_template: Path) -> Iterator[Database]:
    """The store on SQLite only, for tests about behaviour that does not depend on the engine."""
    path = tmp_path / "store.db"
    shutil.copy(sqlite_template, path)
    database = Database(f"sqlite:///{path}")
    yield database
    database.dispose()


@pytest.fixture(scope="session")
def nlu_model_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The intent model trained from training_data/ once per test session (shared by the
    engine, channel and console tests)."""
    return train_model_file(default_training_data_dir(),
                            tmp_path_factory.mktemp("nlu") / "intent_model.npz")


@pytest.fixture(scope="session")
def models(nlu_model_path: Path) -> ModelHolder:
    return ModelHolder.load(nlu_model_path)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings with var/ in a temp folder and an SQLite file there (no database is created)."""
    return Settings(var_dir=tmp_path / "var", database_url=f"sqlite:///{tmp_path / 'app.db'}")


@pytest.fixture
def db_settings(db: Database, tmp_path: Path) -> Settings:
    """Settings pointing at the ``db`` fixture's database (so once per engine)."""
    return Settings(var_dir=tmp_path / "var", database_url=db.url)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say how many engine-parametrised tests passed on each engine (CI reads this line)."""
    counts = {engine: 0 for engine in ENGINES}
    for report in terminalreporter.stats.get("passed", []):
        for engine in ENGINES:
            if f"[{engine}" in report.nodeid or f"-{engine}]" in report.nodeid:
                counts[engine] += 1
    terminalreporter.write_line(
        "store tests passed per engine: "
        + ", ".join(f"{engine} {count}" for engine, count in counts.items())
    )
