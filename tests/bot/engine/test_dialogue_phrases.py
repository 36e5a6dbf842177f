"""The dialogue's phrase lists (training_data/policies/dialogue.yml): cancel and holding turns."""

from __future__ import annotations

import pytest

from bot.policy.dialogue import DialogueConfig, load_dialogue
from handoff.config.paths import default_training_data_dir


@pytest.fixture(scope="module")
def dialogue() -> DialogueConfig:
    return load_dialogue(default_training_data_dir() / "policies" / "dialogue.yml")


@pytest.mark.parametrize("text", [
    "稍等", "稍等，我找一下订单号", "好的 稍等", "請稍等 我找一下訂單編號", "等我一下喔",
    "hang on, let me find the order number", "ok wait", "One sec!!", "ＷＡＩＴ",
])
def test_a_customer_asking_the_bot_to_wait_is_holding(dialogue: DialogueConfig,
                                                       text: str) -> None:
    assert dialogue.is_holding(text)


@pytest.mark.parametrize("text", [
    "I waited two weeks for nothing",   # "wait" only as a whole word
    "second thoughts about the colour",  # "sec" only as a whole word
    "我要退货",
    "asdfgh qwerty",
    "我问了三次了，你们一直让我等一下",   # the phrase is too far into the message
])
def test_other_messages_are_not_holding(dialogue: DialogueConfig, text: str) -> None:
    assert not dialogue.is_holding(text)


def test_cancel_is_the_whole_message_give_or_take_one_character(
        dialogue: DialogueConfig) -> None:
    assert dialogue.is_cancel("算了吧") and dialogue.is_cancel("Never mind.")
    assert not dialogue.is_cancel("取消订单") and not dialogue.is_cancel("stopped working")
