"""Risk detection that reads meaning: the risk classifier beside the lexicon (nlu.risk)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from nlu.artifacts import load_model, save_model
from nlu.config import ConfigError
from nlu.model import NluModel
from nlu.normalize import normalize
from nlu.risk import RiskModel, detect
from nlu.risk.data import load_risk_data, load_settings
from nlu.risk.fitting import train_risk
from nlu.risk.model import clauses
from nlu.sensitive import SensitiveMatcher

from .conftest import REPO

RISK = REPO / "training_data" / "risk"


@pytest.fixture(scope="session")
def risk_model(mini_model: NluModel) -> RiskModel:
    data = load_risk_data(RISK)
    assert data is not None
    return train_risk(data.examples, data.settings, mini_model.tokenizer)


def _hits(text: str, matcher: SensitiveMatcher, model: RiskModel) -> list[tuple[str, str, str]]:
    return [(h.category, h.source, h.span) for h in detect(normalize(text), matcher, model)]


def test_a_veiled_threat_without_a_listed_word_is_a_media_hit(
    matcher: SensitiveMatcher, risk_model: RiskModel
) -> None:
    text = "让大家都来看看你们是怎么对待顾客的"
    assert matcher.find(text) == []
    [hit] = detect(normalize(text), matcher, risk_model)
    assert (hit.category, hit.source, hit.span) == ("media", "model", text)
    assert risk_model.settings.thresholds["media"] <= hit.score <= 1


def test_an_injury_in_plain_words_is_a_safety_hit(
    matcher: SensitiveMatcher, risk_model: RiskModel
) -> None:
    assert ("safety", "model", "my daughter got a rash from it") in _hits(
        "my daughter got a rash from it", matcher, risk_model)


def test_a_listed_word_about_the_customer_themself_does_not_fire(
    matcher: SensitiveMatcher, risk_model: RiskModel
) -> None:
    text = "我在法院上班，想问下我的快递到哪了"
    assert [h.category for h in matcher.find(text)] == ["legal"]
    assert _hits(text, matcher, risk_model) == []


def test_a_listed_threat_still_fires_from_the_lexicon_with_a_score(
    matcher: SensitiveMatcher, risk_model: RiskModel
) -> None:
    [hit] = detect(normalize("再不退款我就起诉你们"), matcher, risk_model)
    assert (hit.category, hit.source, hit.span) == ("legal", "lexicon", "起诉")
    assert 0 < hit.score <= 1


def test_the_span_of_a_threat_in_a_long_message_is_its_clause(
    matcher: SensitiveMatcher, risk_model: RiskModel
) -> None:
    text = "东西收到三天了一直没人理我，问了好几次都说再等等，截图我都留着，到时候别怪我"
    [legal] = [h for h in detect(normalize(text), matcher, risk_model) if h.category == "legal"]
    assert legal.span in ("截图我都留着", "到时候别怪我")
    assert text[legal.start:legal.end] == legal.span


def test_clauses_split_on_punctuation_and_skip_single_characters() -> None:
    text = "好，东西坏了。我要退货!"
    assert [text[s:e] for s, e in clauses(text)] == ["东西坏了", "我要退货"]


def test_the_risk_model_is_saved_inside_the_intent_model_file(
    mini_model: NluModel, risk_model: RiskModel, tmp_path: Path
) -> None:
    path = tmp_path / "m.npz"
    mini_model.risk = risk_model
    try:
        save_model(mini_model, path)
    finally:
        mini_model.risk = None
    loaded = load_model(path).risk
    assert loaded is not None
    assert loaded.settings.to_dict() == risk_model.settings.to_dict()
    text = normalize("the battery swelled up").text
    assert np.allclose(loaded.probabilities(text), risk_model.probabilities(text), atol=1e-12)


def test_a_model_file_without_a_risk_model_uses_the_lexicon_alone(
    mini_model: NluModel, tmp_path: Path
) -> None:
    save_model(mini_model, tmp_path / "m.npz")
    model = load_model(tmp_path / "m.npz")
    assert model.risk is None
    [hit] = model.parse("我要起诉你们")["sensitive"]
    assert (hit["category"], hit.get("source"), hit.get("score")) == ("legal", "lexicon", 1.0)


def test_thresholds_must_name_every_category(tmp_path: Path) -> None:
    path = tmp_path / "thresholds.yml"
    path.write_text("thresholds: {legal: 0.5, media: 0.5}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="safety"):
        load_settings(path)
