"""Training: examples + config → ``NluModel`` (with a tuned fallback threshold)."""

from __future__ import annotations

import platform
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from typing import Any

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold

from nlu.config import TrainConfig
from nlu.data import DataError, Example, data_hash
from nlu.features import Prepared, prepare_text
from nlu.fitting import build_classifier, build_union, scorer_from_estimator, space_from_union
from nlu.model import NluModel
from nlu.normalize import normalize
from nlu.risk.data import RiskData
from nlu.sensitive import SensitiveMatcher
from nlu.tokenize import Tokenizer, jieba_dictionary, select_dictionary

Progress = Callable[[str], None]
_LIBRARIES = ("scikit-learn", "numpy", "scipy", "jieba", "opencc", "pyahocorasick")


def library_versions() -> dict[str, str]:
    """Versions recorded in the model metadata (a model is tied to its libraries)."""
    found = {"python": platform.python_version()}
    for name in _LIBRARIES:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "missing"
    return found


def check_examples(examples: Sequence[Example]) -> Counter[str]:
    """At least two intents and two examples per intent (calibration needs folds)."""
    counts = Counter(e.intent for e in examples)
    if len(counts) < 2:
        raise DataError(
            examples[0].source if examples else "<data>", None, "need at least two intents"
        )
    for intent, n in counts.items():
        if n < 2:
            first = next(e for e in examples if e.intent == intent)
            raise DataError(
                first.source, first.line, f"intent '{intent}' has only {n} example (need ≥ 2)"
            )
    return counts


def tune_threshold(
    X: csr_matrix, y: np.ndarray, config: TrainConfig, min_count: int
) -> tuple[float, dict[str, Any]]:
    """Pick the fallback threshold maximising out-of-fold macro-F1 (ties: lowest).

    Out-of-fold calibrated probabilities come from a stratified K-fold over the
    training data only, so test folds of ``evaluate`` never influence it.
    """
    folds = min(config.fallback.tuning_folds, min_count)
    if folds < 2 or min_count < 4:
        return 0.0, {"source": "default", "reason": "too few examples per intent to tune"}
    probs, classes = out_of_fold_proba(X, y, config, folds)
    best_t, best_f1 = 0.0, -1.0
    for t in np.arange(0.0, config.fallback.grid_max + 1e-9, config.fallback.grid_step):
        f1 = macro_f1_with_fallback(y, probs, classes, float(t), config.fallback.intent)
        if f1 > best_f1 + 1e-12:
            best_t, best_f1 = float(t), f1
    base_f1 = macro_f1_with_fallback(y, probs, classes, 0.0, config.fallback.intent)
    return round(best_t, 4), {
        "source": "tuned",
        "folds": folds,
        "oof_macro_f1": best_f1,
        "oof_macro_f1_without_fallback": base_f1,
    }


def out_of_fold_proba(
    X: csr_matrix, y: np.ndarray, config: TrainConfig, folds: int
) -> tuple[np.ndarray, np.ndarray]:
    """Calibrated out-of-fold probabilities of every training example."""
    classes = np.unique(y)
    probs = np.zeros((len(y), len(classes)))
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=config.seed)
    for train_idx, test_idx in splitter.split(X, y):
        n_cal = min(config.classifier.calibration_folds, int(min(Counter(y[train_idx]).values())))
        clf = build_classifier(config.classifier, max(n_cal, 2), config.seed).fit(
            X[train_idx], y[train_idx]
        )
        probs[np.ix_(test_idx, np.searchsorted(classes, clf.classes_))] = clf.predict_proba(
            X[test_idx]
        )
    return probs, classes


def macro_f1_with_fallback(
    y: np.ndarray, probs: np.ndarray, classes: np.ndarray, threshold: float, fallback: str
) -> float:
    """Macro-F1 when predictions below ``threshold`` become the fallback intent."""
    pred = classes[probs.argmax(axis=1)].astype(object)
    pred[probs.max(axis=1) < threshold] = fallback
    return float(f1_score(y, pred, average="macro", zero_division=0))


def prepare_docs(
    examples: Sequence[Example], tokenizer: Tokenizer, config: TrainConfig
) -> list[Prepared]:
    """Normalise and segment the examples for the feature analyzers."""
    texts = [prepare_text(normalize(e.text).text, config.features) for e in examples]
    return [Prepared(tuple(tokenizer.tokens(text)), text) for text in texts]


def build_tokenizer(examples: Sequence[Example], userdict: str, config: TrainConfig) -> Tokenizer:
    """Tokenizer with the compact dictionary selected for these examples (see ``nlu.tokenize``)."""
    min_freq = config.tokenizer.dictionary_min_freq
    if min_freq <= 0:
        return Tokenizer(userdict)  # jieba's full dictionary, not stored in the model file
    full = jieba_dictionary()
    full_tokenizer = Tokenizer(userdict, dictionary=full)
    segmented = (d.tokens for d in prepare_docs(examples, full_tokenizer, config))
    return Tokenizer(userdict, dictionary=select_dictionary(full, segmented, min_freq))


def fit_classifier(X: csr_matrix, y: np.ndarray, config: TrainConfig) -> Any:
    """Fit the configured calibrated classifier (calibration folds capped by the rarest intent)."""
    n_cal = min(config.classifier.calibration_folds, int(min(Counter(y.tolist()).values())))
    return build_classifier(config.classifier, max(n_cal, 2), config.seed).fit(X, y)


def _count_by_language(examples: Sequence[Example]) -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for e in examples:
        counts[e.intent][normalize(e.text).language] += 1
    return {k: dict(v) for k, v in sorted(counts.items())}


def train_model(
    examples: Sequence[Example],
    config: TrainConfig | None = None,
    *,
    userdict: str = "",
    lexicon: Mapping[str, Any] | None = None,
    progress: Progress | None = None,
    risk: RiskData | None = None,
) -> NluModel:
    """Train an ``NluModel`` from labelled examples.

    ``userdict`` is the jieba user dictionary text, ``lexicon`` the parsed sensitive
    lexicon (None: no sensitive words), ``risk`` the risk classifier's data (None: the
    lexicon alone). All are stored inside the model.
    """
    config = config or TrainConfig()
    say = progress or (lambda _msg: None)
    started = time.perf_counter()
    counts = check_examples(examples)
    say(f"{len(examples)} examples, {len(counts)} intents: segmenting")
    tokenizer = build_tokenizer(examples, userdict, config)
    docs = prepare_docs(examples, tokenizer, config)
    y = np.array([e.intent for e in examples])
    union = build_union(config.features)
    X = csr_matrix(union.fit_transform(docs))
    t_features = time.perf_counter()
    say(f"{X.shape[1]} features: fitting {config.classifier.kind}")
    estimator = fit_classifier(X, y, config)
    t_fit = time.perf_counter()
    if config.fallback.threshold is None:
        say("tuning the fallback threshold on out-of-fold scores")
        threshold, tuning = tune_threshold(X, y, config, min(counts.values()))
    else:
        threshold, tuning = float(config.fallback.threshold), {"source": "config"}
    finished = time.perf_counter()
    metadata = {
        "format_version": 1,
        "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "data_hash": data_hash(examples),
        "n_examples": len(examples),
        "intents": sorted(counts),
        "counts": _count_by_language(examples),
        "n_features": int(X.shape[1]),
        "dictionary_words": len(tokenizer.dictionary.freq) if tokenizer.dictionary else None,
        "threshold": threshold,
        "threshold_tuning": tuning,
        "config": config.to_dict(),
        "libraries": library_versions(),
        "timings_s": {
            "features": round(t_features - started, 3),
            "fit": round(t_fit - t_features, 3),
            "threshold": round(finished - t_fit, 3),
            "total": round(finished - started, 3),
        },
    }
    say(f"trained in {finished - started:.1f}s, fallback threshold {threshold:.2f}")
    risk_model = _train_risk(risk, tokenizer, config.seed, say)
    return NluModel(
        tokenizer=tokenizer,
        features=space_from_union(config.features, union),
        scorer=scorer_from_estimator(estimator),
        sensitive=SensitiveMatcher(lexicon or {"categories": {}}),
        entity_config=dict(config.entities),
        threshold=threshold,
        fallback_intent=config.fallback.intent,
        metadata=metadata,
        risk=risk_model,
    )


def _train_risk(risk: RiskData | None, tokenizer: Tokenizer, seed: int, say: Progress) -> Any:
    # The risk classifier shares the intent model's tokenizer (one dictionary in memory).
    if risk is None:
        return None
    from nlu.risk.fitting import train_risk

    say(f"{len(risk.examples)} risk examples: fitting the risk classifier")
    return train_risk(risk.examples, risk.settings, tokenizer, seed)
