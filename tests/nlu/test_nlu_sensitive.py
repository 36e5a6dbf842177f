"""Sensitive words: every category in three languages, and the benign look-alikes."""

import pytest

from nlu.sensitive import SensitiveHit, SensitiveMatcher


@pytest.mark.parametrize(
    ("text", "category", "word"),
    [
        ("再不处理我就找律师起诉你们", "legal", "律师"),
        ("我要提告", "legal", "提告"),
        ("I will sue you", "legal", "sue"),
        ("我要曝光你们", "media", "曝光"),
        ("我已經聯絡記者了", "media", "記者"),
        ("I'm calling a journalist", "media", "journalist"),
        ("我去12315投诉", "regulator", "12315"),
        ("我要找消保官", "regulator", "消保官"),
        (
            "reporting you to the consumer protection agency",
            "regulator",
            "consumer protection agency",
        ),
        ("充电的时候冒烟了", "safety", "冒烟"),
        ("插頭漏電", "safety", "漏電"),
        ("the charger caught fire", "safety", "caught fire"),
    ],
)
def test_sensitive_word_is_found_with_its_category(
    matcher: SensitiveMatcher, text: str, category: str, word: str
) -> None:
    hits = matcher.find(text)
    assert [(h.category, h.word) for h in hits][:1] == [(category, word)]
    assert text[hits[0].start : hits[0].end] == word


@pytest.mark.parametrize(
    "text",
    [
        "曝光补偿怎么调",
        "这个播放器支持多媒体吗",
        "Does it work with Fire TV?",
        "I ordered court shoes in size 7",
        "there is an issue with my order",
        "订单号2026123151234",
        "我气炸了",
    ],
)
def test_benign_phrases_do_not_fire(matcher: SensitiveMatcher, text: str) -> None:
    assert matcher.find(text) == []


def test_benign_phrase_does_not_hide_a_real_threat_elsewhere(matcher: SensitiveMatcher) -> None:
    hits = matcher.find("曝光补偿调不了，我要曝光你们")
    assert [(h.word, h.start) for h in hits] == [("曝光", 10)]


def test_full_width_and_upper_case_input_matches_with_original_offsets(
    matcher: SensitiveMatcher,
) -> None:
    text = "ＩＷＩＬＬ ＳＵＥ ＹＯＵ"
    (hit,) = matcher.find(text)
    assert hit == SensitiveHit("ＳＵＥ", "legal", 6, 9, "sue")


def test_longest_term_wins_over_its_prefix(matcher: SensitiveMatcher) -> None:
    hits = matcher.find("收到律师函了吗")
    assert [h.word for h in hits] == ["律师函"]


def test_lexicon_without_categories_is_refused() -> None:
    from nlu.config import ConfigError

    with pytest.raises(ConfigError, match="categories"):
        SensitiveMatcher({"allow": ["x"]})
