"""``aftersales orders sync``: a changed order updates (by updated_at), an unchanged one is
left alone, orders not in the file are kept; ``orders import`` reads the demo file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from bot.cli import cli
from handoff.config.paths import default_training_data_dir
from handoff.config.settings import Settings
from handoff.store.db import Database
from handoff.store.models import Order, OrderStatus

ORDER: dict[str, Any] = {
    "order_id": "2026110512345", "customer_name": "王小明", "phone": "13812345678",
    "channel": "webchat", "status": "paid", "item": "卫衣", "category": "clothing",
    "amount": "199", "currency": "CNY", "paid_at": "2026-11-01",
    "updated_at": "2026-11-01T10:00:00+08:00",
}
OTHER = ORDER | {"order_id": "2026110512346", "phone": "13900001111"}


def write(tmp_path: Path, name: str, *orders: dict[str, Any]) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(list(orders), ensure_ascii=False), encoding="utf-8")
    return path


def run(settings: Settings, *args: str) -> str:
    result = CliRunner().invoke(cli, list(args), obj=settings)
    assert result.exit_code == 0, result.output
    return result.output


def test_orders_sync_updates_a_changed_order_and_keeps_the_rest(
        db: Database, db_settings: Settings, tmp_path: Path) -> None:
    run(db_settings, "orders", "import", str(write(tmp_path, "all.json", ORDER, OTHER)))
    shipped = ORDER | {"status": "shipped", "carrier": "顺丰速运", "tracking_no": "SF1",
                       "shipped_at": "2026-11-02", "updated_at": "2026-11-02T09:00:00+08:00"}
    stale = OTHER | {"status": "cancelled", "updated_at": "2026-10-30T09:00:00+08:00"}
    output = run(db_settings, "orders", "sync", str(write(tmp_path, "delta.json", shipped, stale)))
    assert "0 new, 1 updated, 1 unchanged" in output
    with db.session() as session:
        changed, kept = session.get(Order, "2026110512345"), session.get(Order, "2026110512346")
        assert changed is not None and kept is not None
        assert changed.status is OrderStatus.SHIPPED and changed.tracking_no == "SF1"
        assert kept.status is OrderStatus.PAID  # an older export does not undo a newer state
        assert changed.phone_masked == "138****5678"


def test_orders_sync_adds_new_orders(db: Database, db_settings: Settings,
                                     tmp_path: Path) -> None:
    output = run(db_settings, "orders", "sync", str(write(tmp_path, "first.json", ORDER)))
    assert "1 new, 0 updated, 0 unchanged" in output


def test_orders_import_reads_the_demo_file(db: Database, db_settings: Settings) -> None:
    demo = default_training_data_dir() / "demo" / "orders.json"
    output = run(db_settings, "orders", "import", str(demo))
    assert "new" in output
    with db.session() as session:
        order = session.get(Order, "2026110500001")
        assert order is not None and order.delivered_at is not None


def test_orders_import_says_which_json_it_wants(settings: Settings, tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(cli, ["db", "upgrade"], obj=settings).exit_code == 0
    path = tmp_path / "odd.json"
    path.write_text('{"data": []}', encoding="utf-8")
    result = runner.invoke(cli, ["orders", "import", str(path)], obj=settings)
    assert result.exit_code == 1
    assert '{"orders": [...]}' in result.output
