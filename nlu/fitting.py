"""The scikit-learn side of training: vectorisers, estimators, and their export.

Only training and evaluation import this module; a loaded model never imports
scikit-learn (see ``nlu.scorer`` and ``nlu.features.FeatureSpace``).
"""

from __future__ import annotations

import numpy as np
from sklearn.base import ClassifierMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.pipeline import FeatureUnion
from sklearn.svm import LinearSVC

from nlu.config import ClassifierParams, ConfigError
from nlu.features import FeatureBlock, FeatureParams, FeatureSpace, analyzers
from nlu.scorer import LinearScorer


def build_union(params: FeatureParams) -> FeatureUnion:
    """The scikit-learn feature union used for training (and the equivalence test)."""
    blocks = [
        (name, TfidfVectorizer(analyzer=fn, sublinear_tf=params.sublinear_tf, min_df=params.min_df))
        for name, fn in analyzers(params).items()
    ]
    return FeatureUnion(blocks)


def space_from_union(params: FeatureParams, union: FeatureUnion) -> FeatureSpace:
    """Export the vocabularies and IDF vectors of a fitted feature union."""
    blocks, offset = [], 0
    for name, vec in union.transformer_list:
        vocab = {str(k): int(v) for k, v in vec.vocabulary_.items()}
        blocks.append(FeatureBlock(name, vocab, np.asarray(vec.idf_, dtype=np.float64), offset))
        offset += len(vocab)
    return FeatureSpace(params, blocks)


def build_classifier(
    params: ClassifierParams, n_calibration_folds: int, seed: int
) -> ClassifierMixin:
    """The scikit-learn estimator described by ``params``."""
    weight = params.class_weight
    if params.kind == "linearsvc":
        base: ClassifierMixin = LinearSVC(
            C=params.C, class_weight=weight, max_iter=params.max_iter, random_state=seed
        )
    elif params.kind == "logreg":
        base = LogisticRegression(C=params.C, class_weight=weight, max_iter=params.max_iter)
    elif params.kind == "sgd":
        base = SGDClassifier(
            loss="modified_huber",
            alpha=params.alpha,
            class_weight=weight,
            max_iter=params.max_iter,
            random_state=seed,
        )
    else:
        raise ConfigError(f"classifier.kind must be linearsvc, logreg or sgd, not {params.kind!r}")
    if params.calibration == "none":
        if params.kind != "logreg":
            raise ConfigError(
                "classifier.calibration 'none' needs kind 'logreg' (native probabilities)"
            )
        return base
    if params.calibration not in ("sigmoid", "temperature"):
        raise ConfigError(
            "classifier.calibration must be sigmoid, temperature or none, "
            f"not {params.calibration!r}"
        )
    return CalibratedClassifierCV(
        base, method=params.calibration, cv=n_calibration_folds, ensemble=False
    )


def scorer_from_estimator(estimator: ClassifierMixin) -> LinearScorer:
    """Export a fitted ``build_classifier`` result."""
    classes = tuple(str(c) for c in estimator.classes_)
    if isinstance(estimator, CalibratedClassifierCV):
        calibrated = estimator.calibrated_classifiers_[0]
        base = calibrated.estimator
        if estimator.method == "temperature":
            beta = float(calibrated.calibrators[0].beta_)
            a, b, method = np.array([beta]), np.zeros(1), "temperature"
        else:
            a = np.array([c.a_ for c in calibrated.calibrators], dtype=np.float64)
            b = np.array([c.b_ for c in calibrated.calibrators], dtype=np.float64)
            method = "sigmoid"
    else:
        base, method = estimator, "softmax"
        a = b = np.zeros(1)
    coef = np.ascontiguousarray(np.asarray(base.coef_, dtype=np.float64).T)
    intercept = np.asarray(base.intercept_, dtype=np.float64).ravel()
    return LinearScorer(classes, coef, intercept, method, a, b)
