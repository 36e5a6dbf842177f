"""Linear intent classifiers with calibrated confidences, and their exported scorer.

Training uses scikit-learn (LinearSVC / LogisticRegression / SGD, wrapped in
``CalibratedClassifierCV(ensemble=False)`` unless the model is natively
probabilistic). ``LinearScorer`` holds the fitted numbers only — coefficient matrix,
intercepts, calibration parameters — and scores one sparse row with a gather and a
small dot product, reproducing ``predict_proba`` exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import expit, softmax
from sklearn.base import ClassifierMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.svm import LinearSVC

from nlu.config import ClassifierParams, ConfigError


def build_classifier(params: ClassifierParams, n_calibration_folds: int, seed: int) -> ClassifierMixin:
    """The scikit-learn estimator described by ``params``."""
    weight = params.class_weight
    if params.kind == "linearsvc":
        base: ClassifierMixin = LinearSVC(C=params.C, class_weight=weight, max_iter=params.max_iter, random_state=seed)
    elif params.kind == "logreg":
        base = LogisticRegression(C=params.C, class_weight=weight, max_iter=params.max_iter)
    elif params.kind == "sgd":
        base = SGDClassifier(loss="modified_huber", alpha=params.alpha, class_weight=weight,
                             max_iter=params.max_iter, random_state=seed)
    else:
        raise ConfigError(f"classifier.kind must be linearsvc, logreg or sgd, not {params.kind!r}")
    if params.calibration == "none":
        if params.kind != "logreg":
            raise ConfigError("classifier.calibration 'none' needs kind 'logreg' (native probabilities)")
        return base
    if params.calibration not in ("sigmoid", "temperature"):
        raise ConfigError(f"classifier.calibration must be sigmoid, temperature or none, not {params.calibration!r}")
    return CalibratedClassifierCV(base, method=params.calibration, cv=n_calibration_folds, ensemble=False)


@dataclass(frozen=True)
class LinearScorer:
    """Exported classifier: decision = x·coef + intercept, then calibration.

    ``coef`` is stored feature-major (n_features × n_columns) so one message's
    non-zero features select rows. Binary problems have one decision column.
    ``method``: ``sigmoid`` (per-column Platt a, b), ``temperature`` (a[0] = beta),
    ``softmax`` (multinomial logistic regression).
    """

    classes: tuple[str, ...]
    coef: np.ndarray
    intercept: np.ndarray
    method: str
    a: np.ndarray
    b: np.ndarray

    @property
    def binary(self) -> bool:
        """True when there is a single decision column for two classes."""
        return self.coef.shape[1] == 1

    def decision(self, indices: np.ndarray, values: np.ndarray) -> np.ndarray:
        """Decision values of one sparse row (shape: n_columns)."""
        if indices.size == 0:
            return self.intercept.copy()
        return values @ self.coef[indices] + self.intercept

    def proba(self, decision: np.ndarray) -> np.ndarray:
        """Calibrated probabilities from decision values (1-D or 2-D)."""
        d = np.atleast_2d(decision)
        if self.method == "temperature":
            logits = np.hstack([-d, d]) if self.binary else d
            return softmax(self.a[0] * logits, axis=1)
        if self.method == "softmax":
            return np.hstack([1 - expit(d), expit(d)]) if self.binary else softmax(d, axis=1)
        p = expit(-(self.a * d + self.b))
        if self.binary:
            return np.hstack([1 - p, p])
        total = p.sum(axis=1, keepdims=True)
        uniform = np.full_like(p, 1 / p.shape[1])
        return np.divide(p, total, out=uniform, where=total != 0)

    def scores(self, indices: np.ndarray, values: np.ndarray) -> np.ndarray:
        """Probabilities (one per class, in ``classes`` order) of one sparse row."""
        return self.proba(self.decision(indices, values))[0]

    @classmethod
    def from_estimator(cls, estimator: ClassifierMixin) -> LinearScorer:
        """Export a fitted ``build_classifier`` result."""
        classes = tuple(str(c) for c in estimator.classes_)  # type: ignore[attr-defined]
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
        return cls(classes, coef, intercept, method, a, b)
