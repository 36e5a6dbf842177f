"""The runtime `aftersales serve` builds, over the demo orders, with channel settings."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.demo import load_demo_orders
from bot.model_holder import ModelHolder
from bot.runtime import Runtime, build_runtime
from handoff.config.paths import default_training_data_dir
from handoff.config.settings import Settings
from handoff.config.tables import load_queues, sync_queues
from handoff.store.clock import ManualClock
from handoff.store.db import Database


def shop_runtime(tmp_path: Path, database: Database, clock: ManualClock, models: ModelHolder,
                 model_path: Path, **channel_settings: Any) -> Runtime:
    settings = Settings.model_validate({
        "var_dir": tmp_path / "var", "database_url": database.url, "nlu_model": model_path,
        **channel_settings})
    today = clock.now().astimezone(ZoneInfo(settings.timezone)).date()
    with database.session() as session:
        sync_queues(session, load_queues(default_training_data_dir() / "handoff" / "queues.yml"))
        load_demo_orders(session, settings, today)
    return build_runtime(settings, clock, database=database, models=models)
