"""Fixtures for the handoff desk tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from handoff.config.settings import Settings
from handoff.desk.desk import Desk
from handoff.store.clock import ManualClock
from handoff.store.db import Database
from tests.handoff.handoff_shop import Shop


@pytest.fixture
def shop(db: Database, clock: ManualClock, db_settings: Settings) -> Shop:
    return Shop(db, clock, db_settings)


@pytest.fixture
def desk(db_settings: Settings, clock: ManualClock) -> Iterator[Desk]:
    yield Desk(db_settings, clock)
