"""Training the risk classifier (scikit-learn; only training and evaluation import it)."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Sequence

import numpy as np
from scipy.sparse import csr_matrix

from nlu.features import Prepared, prepare_text
from nlu.fitting import build_classifier, build_union, scorer_from_estimator, space_from_union
from nlu.normalize import normalize
from nlu.risk.data import LABELS, RiskExample, RiskSettings
from nlu.risk.model import RiskModel
from nlu.tokenize import Tokenizer


def prepare(examples: Sequence[RiskExample], tokenizer: Tokenizer,
            settings: RiskSettings) -> list[Prepared]:
    """Normalise and segment like the single-message path does."""
    texts = [prepare_text(normalize(e.text).text.strip(), settings.features) for e in examples]
    return [Prepared(tuple(tokenizer.tokens(t)), t) for t in texts]


def train_risk(examples: Sequence[RiskExample], settings: RiskSettings, tokenizer: Tokenizer,
               seed: int = 0) -> RiskModel:
    """Fit the vectorisers and the calibrated classifier; export them numpy-only."""
    counts = Counter(e.label for e in examples)
    missing = [label for label in LABELS if counts[label] < 4]
    if missing:
        raise ValueError(f"risk data: too few examples (< 4) of {', '.join(missing)}")
    started = time.perf_counter()
    union = build_union(settings.features)
    X = csr_matrix(union.fit_transform(prepare(examples, tokenizer, settings)))
    y = np.array([e.label for e in examples])
    folds = min(settings.classifier.calibration_folds, min(counts.values()))
    estimator = build_classifier(settings.classifier, max(folds, 2), seed).fit(X, y)
    metadata: dict[str, object] = {
        "n_examples": len(examples), "counts": dict(sorted(counts.items())),
        "n_features": int(X.shape[1]), "seconds": round(time.perf_counter() - started, 2)}
    return RiskModel(tokenizer, space_from_union(settings.features, union),
                     scorer_from_estimator(estimator), settings, metadata)
