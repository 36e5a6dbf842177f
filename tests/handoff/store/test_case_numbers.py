"""Case numbers: year + month + 4-digit serial, unique under concurrent creation."""

from __future__ import annotations

import re
import threading
from datetime import UTC, datetime

import pytest

from handoff.desk.casenumbers import next_case_number
from handoff.store.db import Database

NOVEMBER = datetime(2026, 11, 5, 2, 0, tzinfo=UTC)


def test_numbers_are_year_month_and_serial(db: Database) -> None:
    with db.session() as session:
        first = next_case_number(session, NOVEMBER, "Asia/Shanghai")
        second = next_case_number(session, NOVEMBER, "Asia/Shanghai")
    assert (first, second) == ("2026110001", "2026110002")


def test_serial_restarts_each_month_in_shop_time(db: Database) -> None:
    # 2026-11-30 17:00 UTC is already 1 December in Shanghai.
    with db.session() as session:
        next_case_number(session, NOVEMBER, "Asia/Shanghai")
        december = next_case_number(
            session, datetime(2026, 11, 30, 17, 0, tzinfo=UTC), "Asia/Shanghai"
        )
    assert december == "2026120001"


def test_a_rolled_back_number_leaves_a_gap_but_is_never_reused(db: Database) -> None:
    with pytest.raises(RuntimeError), db.session() as session:
        next_case_number(session, NOVEMBER, "Asia/Shanghai")
        raise RuntimeError("case creation failed after taking a number")
    with db.session() as session:
        taken = next_case_number(session, NOVEMBER, "Asia/Shanghai")
    assert taken in {"2026110001", "2026110002"}  # gap-tolerant, never duplicated
    with db.session() as session:
        assert next_case_number(session, NOVEMBER, "Asia/Shanghai") > taken


def test_fifty_concurrent_creations_get_fifty_distinct_numbers(db: Database) -> None:
    numbers: list[str] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(50)

    def create() -> None:
        try:
            barrier.wait()
            with db.session() as session:
                numbers.append(next_case_number(session, NOVEMBER, "Asia/Shanghai"))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=create) for _ in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(set(numbers)) == 50
    assert all(re.fullmatch(r"202611\d{4}", n) for n in numbers)
    assert sorted(numbers) == [f"202611{i:04d}" for i in range(1, 51)]
