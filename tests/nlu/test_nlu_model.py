"""The trained model: parse format, fast path = scikit-learn, fallback, bad input."""

from pathlib import Path

import numpy as np
import pytest
from sklearn.pipeline import Pipeline

from nlu.config import ClassifierParams, FallbackParams, TrainConfig
from nlu.data import load_examples
from nlu.fitting import build_union, scorer_from_estimator, space_from_union
from nlu.model import NluModel
from nlu.tokenize import Tokenizer
from nlu.training import fit_classifier, prepare_docs, train_model


def test_parse_returns_rasa_format_with_sensitive_and_language(mini_model: NluModel) -> None:
    result = mini_model.parse("我的訂單SO2026110512345到哪裡了？我要找律師")
    assert set(result) == {"text", "intent", "intent_ranking", "entities", "sensitive", "language"}
    assert result["intent"]["name"] == "order_status"
    assert result["language"] == "zh-Hant"
    assert [e["entity"] for e in result["entities"]] == ["order_id"]
    assert [(s["word"], s["category"]) for s in result["sensitive"]] == [("律師", "legal")]
    confidences = [r["confidence"] for r in result["intent_ranking"]]
    assert confidences == sorted(confidences, reverse=True)
    assert abs(sum(confidences) - 1.0) < 1e-3


@pytest.mark.parametrize("text", ["where is my package", "我想退货", "謝謝你"])
def test_understands_its_own_intents_in_each_language(mini_model: NluModel, text: str) -> None:
    expected = {
        "where is my package": "order_status",
        "我想退货": "return_request",
        "謝謝你": "thanks",
    }[text]
    assert mini_model.parse(text)["intent"]["name"] == expected


@pytest.mark.parametrize(
    ("kind", "calibration"),
    [
        ("linearsvc", "sigmoid"),
        ("linearsvc", "temperature"),
        ("logreg", "none"),
        ("sgd", "sigmoid"),
    ],
)
def test_single_message_scores_equal_the_scikit_learn_pipeline(
    data_dir: Path, kind: str, calibration: str
) -> None:
    config = TrainConfig(classifier=ClassifierParams(kind=kind, calibration=calibration))
    examples = load_examples([data_dir / "mini.yml"])
    docs = prepare_docs(examples, Tokenizer(), config)
    y = np.array([e.intent for e in examples])
    union = build_union(config.features)
    estimator = fit_classifier(union.fit_transform(docs), y, config)
    pipeline = Pipeline([("features", union), ("classifier", estimator)])
    space, scorer = space_from_union(config.features, union), scorer_from_estimator(estimator)
    probe = docs[:5] + prepare_docs(
        load_examples([data_dir / "helpdesk.csv"])[:3], Tokenizer(), config
    )
    expected = pipeline.predict_proba(probe)
    fast = np.array([scorer.scores(*space.transform_one(doc)) for doc in probe])
    np.testing.assert_allclose(fast, expected, atol=1e-9)


def test_binary_problem_scores_equal_the_scikit_learn_pipeline(data_dir: Path) -> None:
    examples = [
        e for e in load_examples([data_dir / "helpdesk.csv"]) if e.intent != "software_request"
    ]
    config = TrainConfig()
    docs = prepare_docs(examples, Tokenizer(), config)
    union = build_union(config.features)
    estimator = fit_classifier(
        union.fit_transform(docs), np.array([e.intent for e in examples]), config
    )
    space, scorer = space_from_union(config.features, union), scorer_from_estimator(estimator)
    fast = np.array([scorer.scores(*space.transform_one(doc)) for doc in docs])
    np.testing.assert_allclose(
        fast, Pipeline([("f", union), ("c", estimator)]).predict_proba(docs), atol=1e-9
    )


def test_below_the_threshold_the_intent_falls_back_but_the_ranking_is_kept(data_dir: Path) -> None:
    examples = load_examples([data_dir / "mini.yml"])
    # 1.0: no probability short of certainty passes (temperature scaling on this tiny,
    # separable set is very confident, 0.99 would not be enough)
    model = train_model(examples, TrainConfig(fallback=FallbackParams(threshold=1.0)))
    result = model.parse("where is my order")
    assert result["intent"]["name"] == "out_of_scope"
    assert result["intent_ranking"][0]["name"] == "order_status"
    assert model.metadata["threshold_tuning"] == {"source": "config"}


def test_threshold_is_tuned_and_recorded_when_not_configured(mini_model: NluModel) -> None:
    assert mini_model.metadata["threshold_tuning"]["source"] == "tuned"
    assert 0.0 <= mini_model.threshold <= 0.9


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\t ",
        "退" * 100_000,
        "\x00\xff\ufffd\x1b[31m" * 50,
        "😀😀😀🎉",
        "我的order號碼是ＳＯ12345678901 pls ✅",
        "\ud800 lone surrogate",
    ],
)
def test_bad_input_gives_a_valid_result(mini_model: NluModel, text: str) -> None:
    result = mini_model.parse(text)
    assert result["text"] == text
    assert result["intent"]["name"] in mini_model.intents
    assert 0.0 <= result["intent"]["confidence"] <= 1.0
    assert len(result["intent_ranking"]) <= 10


def test_message_without_known_features_is_out_of_scope(mini_model: NluModel) -> None:
    assert mini_model.parse("")["intent"] == {"name": "out_of_scope", "confidence": 1.0}
    assert mini_model.parse("🫠")["intent"]["name"] == "out_of_scope"


def test_pipeline_trains_unchanged_on_a_csv_of_another_domain(data_dir: Path) -> None:
    model = train_model(load_examples([data_dir / "helpdesk.csv"]))
    assert set(model.intents) == {"hardware_fault", "password_reset", "software_request"}
    assert (
        model.parse("please install excel for me")["intent_ranking"][0]["name"]
        == "software_request"
    )
    assert model.parse("my screen is black")["intent_ranking"][0]["name"] == "hardware_fault"
    assert model.parse("I will sue you")["sensitive"] == []  # no lexicon given


def test_metadata_records_data_counts_and_versions(mini_model: NluModel) -> None:
    meta = mini_model.metadata
    assert meta["n_examples"] == 50
    assert meta["counts"]["greet"] == {"zh-Hans": 5, "zh-Hant": 2, "en": 3}
    assert {"scikit-learn", "jieba", "opencc"} <= set(meta["libraries"])
    assert len(meta["data_hash"]) == 64
