"""Agents read the console in zh-Hans, zh-Hant or English: every word exists in all three, the
SOP's status names are the seed's (待分派 / 处理中 / 待客户确认 / 已完成), and a code nobody has
worded yet reads as itself instead of breaking the page."""

from __future__ import annotations

from typing import Any

from handoff.config.i18n import LOCALES, _table, supported, words
from handoff.config.paths import default_templates_dir
from handoff.store.models.enums import CasePriority, CaseStatus

TEMPLATES = default_templates_dir()


def _keys(table: Any, prefix: str = "") -> set[str]:
    out: set[str] = set()
    for key, value in table.items():
        out |= _keys(value, f"{prefix}{key}.") if isinstance(value, dict) else {prefix + key}
    return out


def test_every_locale_has_every_word() -> None:
    english = _keys(_table(TEMPLATES, "en"))
    for locale in LOCALES:
        assert _keys(_table(TEMPLATES, locale)) == english, locale


def test_statuses_read_as_the_sop_names_them() -> None:
    hans, hant = words(TEMPLATES, "zh-Hans"), words(TEMPLATES, "zh-Hant")
    assert [hans.code("status", s) for s in CaseStatus] == [
        "待分派", "处理中", "待客户确认", "已完成"]
    assert [hant.code("status", s) for s in CaseStatus] == [
        "待分派", "處理中", "待客戶確認", "已完成"]
    assert all(hans.code("priority", p) != p for p in CasePriority)


def test_an_unworded_code_reads_as_itself_and_locales_are_matched_loosely() -> None:
    assert words(TEMPLATES, "en").code("intent", "brand_new_intent") == "brand_new_intent"
    assert supported("zh-TW") == "zh-Hant" and supported("zh-CN") == "zh-Hans"
    assert supported("fr") == "en"
