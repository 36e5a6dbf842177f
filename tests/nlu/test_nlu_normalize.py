"""Normalisation: what the features, entities and sensitive matcher see."""

from nlu.normalize import normalize


def test_full_width_letters_and_digits_become_half_width_lower_case() -> None:
    norm = normalize("ＳＯ２０２６　ＯＫ")
    assert norm.text == "so2026 ok"


def test_offsets_of_the_normalised_text_point_into_the_original() -> None:
    original = "订单！！！ＳＯ１２"
    norm = normalize(original)
    start = norm.text.index("so12")
    o_start, o_end = norm.span(start, start + 4)
    assert original[o_start:o_end] == "ＳＯ１２"


def test_repeated_punctuation_and_emoji_collapse_to_one() -> None:
    assert normalize("到了吗？？？？😡😡😡").text == "到了吗?😡"


def test_letters_and_digits_are_not_collapsed() -> None:
    assert normalize("goooood 1111").text == "goooood 1111"


def test_traditional_is_folded_to_simplified_and_recorded_as_zh_hant() -> None:
    norm = normalize("我的訂單編號在哪裡")
    assert norm.text == "我的订单编号在哪里"
    assert norm.language == "zh-Hant"
    assert norm.original == "我的訂單編號在哪裡"


def test_simplified_text_is_zh_hans_and_latin_text_is_en() -> None:
    assert normalize("我的订单在哪里").language == "zh-Hans"
    assert normalize("Where is my order?").language == "en"


def test_mixed_script_message_with_chinese_counts_as_chinese() -> None:
    assert normalize("我的order還沒到").language == "zh-Hant"


def test_empty_and_whitespace_only_texts_normalise_to_empty() -> None:
    assert normalize("").text == ""
    assert normalize(" \t\n\u3000 ").text == ""


def test_control_characters_become_spaces() -> None:
    assert normalize("a\x00\x01b").text == "a b"
