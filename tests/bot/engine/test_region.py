"""The region slot (training_data/policies/regions.yml): a customer's region is read from the
phone, the words, the platform's language tag, the channel and the script, strongest first."""

from __future__ import annotations

import pytest

from bot.engine.region import is_cantonese, keep_region, read_region
from bot.policy.regions import Basis, Region, RegionTable, load_regions
from handoff.config.paths import default_training_data_dir


@pytest.fixture(scope="module")
def table() -> RegionTable:
    return load_regions(default_training_data_dir() / "policies" / "regions.yml")


@pytest.mark.parametrize(("text", "region"), [
    ("我電話係 +852 9123 4567", Region.HONGKONG),
    ("手提 91234567", Region.HONGKONG),
    ("my number is +886 912 345 678", Region.TAIWAN),
    ("手機 0912-345-678", Region.TAIWAN),
    ("手机 13812345678", Region.MAINLAND),
    ("+86 138 1234 5678", Region.MAINLAND),
])
def test_a_phone_number_tells_the_region(table: RegionTable, text: str, region: Region) -> None:
    reading = read_region(table, text, "webchat", None, "zh-Hant")
    assert (reading.region, reading.basis) == (region, Basis.PHONE)


def test_an_order_number_is_not_read_as_a_phone(table: RegionTable) -> None:
    reading = read_region(table, "訂單 TW2026110500009 還沒到", "webchat", None, "zh-Hant")
    assert reading.basis is Basis.SCRIPT


@pytest.mark.parametrize(("text", "region"), [
    ("我嘅貨到咗未", Region.HONGKONG),
    ("我嘅货到咗未", Region.HONGKONG),  # Cantonese typed in simplified characters
    ("包裹到 7-11 了沒", Region.TAIWAN),
    ("到菜鸟驿站了吗", Region.MAINLAND),
])
def test_region_words_and_written_cantonese(table: RegionTable, text: str,
                                            region: Region) -> None:
    reading = read_region(table, text, "webchat", None, "zh-Hans")
    assert (reading.region, reading.basis) == (region, Basis.TEXT)


def test_mandarin_words_that_share_a_cantonese_character_are_not_cantonese(
        table: RegionTable) -> None:
    assert not is_cantonese(table, "沒關係，我再等等")
    assert is_cantonese(table, "唔該幫我查下")


def test_two_regions_at_once_say_nothing_beyond_the_script(table: RegionTable) -> None:
    reading = read_region(table, "從香港寄去台灣要多久", "webchat", None, "zh-Hant")
    assert (reading.region, reading.basis) == (Region.TAIWAN, Basis.SCRIPT)


def test_the_language_tag_and_the_channel_come_after_the_text(table: RegionTable) -> None:
    assert read_region(table, "我的訂單", "telegram", "zh-HK", "zh-Hant").region \
        is Region.HONGKONG
    assert read_region(table, "我的訂單", "line", None, "zh-Hant").basis is Basis.CHANNEL
    assert read_region(table, "到菜鸟驿站了吗", "line", None, "zh-Hans").region \
        is Region.MAINLAND


def test_english_says_nothing_about_the_region(table: RegionTable) -> None:
    assert read_region(table, "where is my order", "webchat", None, "en").region is None


def test_a_weaker_signal_never_overrides_a_stronger_one(table: RegionTable) -> None:
    slots: dict[str, object] = {}
    keep_region(slots, read_region(table, "電話 +852 9123 4567", "webchat", None, "zh-Hant"))
    keep_region(slots, read_region(table, "好的，謝謝", "line", None, "zh-Hant"))
    assert slots == {"region": "hongkong", "region_basis": "PHONE"}
    keep_region(slots, read_region(table, "手機 0912345678", "webchat", None, "zh-Hant"))
    assert slots["region"] == "taiwan"  # as strong: the latest phone wins


def test_hong_kong_customers_reading_traditional_chinese_get_the_overlay(
        table: RegionTable) -> None:
    assert table.overlay("hongkong", "zh-Hant") == "zh-Hant-HK"
    assert table.overlay("hongkong", "en") == "en"
    assert table.overlay("taiwan", "zh-Hant") == "zh-Hant"
    assert table.overlay(None, "zh-Hant") == "zh-Hant"
