"""The FAQ as shipped: specific entries per locale, matched within the intent, the generic
answer as fallback, and an entry taking over a turn the intent model misread."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.model_holder import ModelHolder
from bot.policy.faq import Faq, load_faq
from handoff.config.paths import default_training_data_dir
from handoff.config.replies import LOCALES
from handoff.config.yamlfile import ConfigFileError

FAQ_FILE = default_training_data_dir() / "faq.yml"


@pytest.fixture(scope="module")
def faq(models: ModelHolder) -> Faq:
    return load_faq(FAQ_FILE, LOCALES, models.model.tokenizer.tokens)


def test_every_locale_ships_forty_entries_with_several_example_questions(faq: Faq) -> None:
    for locale in LOCALES:
        entries = faq.tables.entries[locale]
        assert len(entries) >= 40, locale
        assert all(len(e.questions) >= 3 for e in entries), locale


def test_a_taiwan_tax_id_question_gets_the_tax_id_entry_not_the_generic_text(faq: Faq) -> None:
    reply = faq.reply("請問統編要打在哪裡", "zh-Hant", "zh-Hans", "invoice_request")
    assert reply.entry == "invoice_tax_id" and "統一編號" in reply.text
    assert reply.note == "FAQ: invoice_request/invoice_tax_id"


def test_a_double_charge_gets_the_double_charge_entry_in_each_locale(faq: Faq) -> None:
    for text, locale in (("扣了两回钱", "zh-Hans"), ("扣了兩回錢", "zh-Hant"),
                         ("I was charged two times", "en")):
        assert faq.reply(text, locale, "zh-Hans", "payment_issue").entry == \
            "payment_double_charge"


def test_a_question_no_entry_fits_gets_the_intents_generic_answer(faq: Faq) -> None:
    reply = faq.reply("question about my invoice", "en", "zh-Hans", "invoice_request")
    assert reply.entry is None and reply.note == "FAQ: invoice_request"
    assert reply.text == faq.generic("invoice_request", "en", "zh-Hans")


def test_an_entry_takes_over_a_turn_the_model_gave_to_another_faq_intent(faq: Faq) -> None:
    entry = faq.take_over("載具怎麼設定", "zh-Hant", "zh-Hans", "product_usage", 1.0)
    assert entry is not None and entry.id == "invoice_carrier"


def test_a_confident_flow_intent_is_never_taken_over(faq: Faq) -> None:
    assert faq.take_over("一般几天能到货", "zh-Hans", "zh-Hans", "order_status", 0.99) is None
    assert faq.take_over("一般几天能到货", "zh-Hans", "zh-Hans", "order_status", 0.3) is not None


def test_an_entry_of_an_intent_without_a_generic_answer_is_refused(tmp_path: Path,
                                                                   faq: Faq) -> None:
    (tmp_path / "faq").mkdir()
    (tmp_path / "faq.yml").write_text(FAQ_FILE.read_text(encoding="utf-8"), encoding="utf-8")
    entry = ("entries:\n  - {id: x, intent: weather, questions: [will it rain], "
             "answer: no idea}\n")
    for locale in LOCALES:
        (tmp_path / "faq" / f"{locale}.yml").write_text(entry, encoding="utf-8")
    with pytest.raises(ConfigFileError, match="weather"):
        load_faq(tmp_path / "faq.yml", LOCALES, str.split)
