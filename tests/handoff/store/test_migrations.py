"""Alembic migrations build the schema the models describe, on both engines."""

from __future__ import annotations

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from handoff.store.db import Database
from handoff.store.migrate import alembic_config, current_revision, head_revision, upgrade
from handoff.store.models import Base


def test_migrations_upgrade_an_empty_database_to_head(db_url: str) -> None:
    database = Database(db_url)
    upgrade(database)  # already migrated by the fixture: a second run must be a no-op
    assert current_revision(database) == head_revision()
    assert set(Base.metadata.tables) <= set(inspect(database.engine).get_table_names())
    database.dispose()


def test_migrated_schema_matches_the_models(db_url: str) -> None:
    database = Database(db_url)
    with database.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}),
                                Base.metadata)
    database.dispose()
    assert diff == []


def test_downgrade_to_base_and_upgrade_again(tmp_path: pytest.TempPathFactory) -> None:
    url = f"sqlite:///{tmp_path}/roundtrip.db"
    database = Database(url)
    upgrade(database)
    with database.engine.begin() as connection:
        config = alembic_config(url)
        config.attributes["connection"] = connection
        command.downgrade(config, "base")
    assert "cases" not in inspect(database.engine).get_table_names()
    upgrade(database)
    assert "cases" in inspect(database.engine).get_table_names()
    database.dispose()
