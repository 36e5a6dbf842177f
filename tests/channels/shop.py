"""The runtime `aftersales serve` builds, over the demo orders, with channel settings."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.demo import render_demo_orders
from bot.model_holder import ModelHolder
from bot.runtime import Runtime, build_runtime
from handoff.clock import ManualClock
from handoff.order_import import import_orders
from handoff.paths import default_training_data_dir
from handoff.settings import Settings
from handoff.store.db import Database
from handoff.tables import load_queues, sync_queues


def shop_runtime(tmp_path: Path, database: Database, clock: ManualClock, models: ModelHolder,
                 model_path: Path, **channel_settings: Any) -> Runtime:
    settings = Settings.model_validate({
        "var_dir": tmp_path / "var", "database_url": database.url, "nlu_model": model_path,
        **channel_settings})
    today = clock.now().astimezone(ZoneInfo(settings.timezone)).date()
    rendered = settings.var_dir / "demo_orders.json"
    render_demo_orders(default_training_data_dir() / "demo" / "orders.json", rendered, today,
                       settings.timezone)
    with database.session() as session:
        sync_queues(session, load_queues(default_training_data_dir() / "handoff" / "queues.yml"))
        import_orders(session, rendered, timezone=settings.timezone,
                      digest_key=settings.secret_key.get_secret_value())
    return build_runtime(settings, clock, database=database, models=models)
