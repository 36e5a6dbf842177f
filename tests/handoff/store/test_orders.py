"""Order import: all or nothing, line-numbered errors, phones stored masked."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from bot.cli import cli
from handoff.config.settings import Settings
from handoff.store.db import Database
from handoff.store.models import DeliveryMethod, Order, OrderStatus
from handoff.store.order_import import OrderImportError, import_orders
from handoff.store.orders import DbOrderProvider

HEADER = ("order_id,customer_name,phone,channel,status,carrier,tracking_no,item,category,amount,"
          "currency,paid_at,shipped_at,delivered_at,member_level,unused\n")
GOOD = ("2026110512345,王小明,13812345678,webchat,delivered,顺丰,SF1,卫衣,clothing,199,CNY,"
        "2026-11-01,2026-11-02,2026-11-03,regular,true\n")
KEY = "test-key"


def _csv(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "orders.csv"
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    return path


def _import(db: Database, path: Path) -> None:
    with db.session() as session:
        import_orders(session, path, timezone="Asia/Shanghai", digest_key=KEY)


def test_import_stores_orders_with_masked_phone(db: Database, tmp_path: Path) -> None:
    _import(db, _csv(tmp_path, GOOD))
    with db.session() as session:
        order = session.get(Order, "2026110512345")
        assert order is not None
        assert order.phone_masked == "138****5678"
        assert order.amount == Decimal("199.00")
        assert order.status is OrderStatus.DELIVERED
        stored = " ".join(str(getattr(order, c.key)) for c in Order.__table__.columns)
        assert "13812345678" not in stored


def test_a_bad_row_rejects_the_whole_file_with_line_numbers(db: Database, tmp_path: Path) -> None:
    bad_status = GOOD.replace("delivered,", "lost,").replace("2026110512345", "2026110512346")
    bad_amount = GOOD.replace(",199,", ",abc,").replace("2026110512345", "2026110512347")
    path = _csv(tmp_path, GOOD, bad_status, bad_amount)
    with pytest.raises(OrderImportError) as caught:
        _import(db, path)
    assert [where for where, _ in caught.value.problems] == ["line 3", "line 4"]
    assert "status 'lost'" in str(caught.value) and "amount 'abc'" in str(caught.value)
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Order)) == 0


def test_delivered_order_without_delivery_date_is_refused(db: Database, tmp_path: Path) -> None:
    row = GOOD.replace("2026-11-03,regular", ",regular")
    with pytest.raises(OrderImportError, match="line 2: status delivered needs delivered_at"):
        _import(db, _csv(tmp_path, row))


def test_json_import_names_the_bad_record(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "orders.json"
    path.write_text(json.dumps([{"order_id": "x"}]), encoding="utf-8")
    with pytest.raises(OrderImportError, match="record 1: empty required field"):
        _import(db, path)


def test_reimport_updates_instead_of_duplicating(db: Database, tmp_path: Path) -> None:
    _import(db, _csv(tmp_path, GOOD))
    _import(db, _csv(tmp_path, GOOD.replace("顺丰", "京东")))
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Order)) == 1
        assert session.get(Order, "2026110512345").carrier == "京东"  # type: ignore[union-attr]


def test_identity_check_accepts_last_four_digits_or_full_phone(
    db: Database, tmp_path: Path
) -> None:
    _import(db, _csv(tmp_path, GOOD))
    with db.session() as session:
        orders = DbOrderProvider(session, KEY)
        assert orders.verify_phone("2026110512345", "5678")
        assert orders.verify_phone("2026110512345", "+86 138-1234-5678")
        assert not orders.verify_phone("2026110512345", "1234")
        assert not orders.verify_phone("9999999999", "5678")
        assert orders.get("2026110512345").phone_masked == "138****5678"  # type: ignore[union-attr]


def test_cli_import_reports_bad_rows_and_exits_non_zero(tmp_path: Path, settings: Settings) -> None:
    runner = CliRunner()
    assert runner.invoke(cli, ["db", "upgrade"], obj=settings).exit_code == 0
    path = _csv(tmp_path, GOOD.replace(",CNY,", ",yuan,"))
    result = runner.invoke(cli, ["orders", "import", str(path)], obj=settings)
    assert result.exit_code == 1
    assert "line 2: currency 'yuan'" in result.output
    assert "nothing imported" in result.output



PICKUP_HEADER = HEADER.rstrip("\n") + ",delivery_method,pickup_store,pickup_deadline,pickup_code\n"


def test_pickup_columns_are_imported_and_a_pickup_order_needs_its_store(
        db: Database, tmp_path: Path) -> None:
    path = tmp_path / "orders.csv"
    row = ("TW2026110512345,林怡君,0912345678,line,shipped,7-ELEVEN 交貨便,F1,水壺,kitchen,350,TWD,"
           "2026-11-01,2026-11-02,,regular,true,store,7-ELEVEN 信義門市,2026-12-08,\n")
    path.write_text(PICKUP_HEADER + row, encoding="utf-8")
    _import(db, path)
    with db.session() as session:
        order = DbOrderProvider(session, KEY).get("TW2026110512345")
        assert order is not None
        assert (order.delivery_method, order.pickup_store) == (DeliveryMethod.STORE,
                                                               "7-ELEVEN 信義門市")
        deadline = order.pickup_deadline
        assert deadline is not None  # a day means until its end, shop time
        assert deadline.astimezone(ZoneInfo("Asia/Shanghai")).isoformat()[:19] == \
            "2026-12-08T23:59:59"
    path.write_text(PICKUP_HEADER + row.replace("7-ELEVEN 信義門市", ""), encoding="utf-8")
    with pytest.raises(OrderImportError, match="line 2: delivery_method store needs pickup_store"):
        _import(db, path)
    path.write_text(PICKUP_HEADER + row.replace(",store,", ",locker,"), encoding="utf-8")
    with pytest.raises(OrderImportError, match="delivery_method 'locker' is not one of"):
        _import(db, path)


def test_a_file_without_pickup_columns_imports_home_deliveries(
        db: Database, tmp_path: Path) -> None:
    _import(db, _csv(tmp_path, GOOD))
    with db.session() as session:
        order = DbOrderProvider(session, KEY).get("2026110512345")
        assert order is not None and order.delivery_method is DeliveryMethod.HOME


def test_a_hong_kong_mobile_matches_with_or_without_852(db: Database, tmp_path: Path) -> None:
    _import(db, _csv(tmp_path, GOOD.replace("13812345678", "+852 9123 4567")))
    with db.session() as session:
        orders = DbOrderProvider(session, KEY)
        assert orders.verify_phone("2026110512345", "91234567")
        assert orders.verify_phone("2026110512345", "+852 9123-4567")
        assert orders.verify_phone("2026110512345", "4567")
        assert not orders.verify_phone("2026110512345", "+852 9123 4568")
