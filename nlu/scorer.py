"""The exported intent classifier: fitted numbers only, numpy only.

Scoring one message is a gather of the coefficient rows of its non-zero features and
a small dot product, followed by the calibration the estimator was trained with —
reproducing scikit-learn's ``predict_proba`` without importing scikit-learn (which
keeps the parse path fast and a loaded model small).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def expit(x: np.ndarray) -> np.ndarray:
    """Logistic function, overflow-safe."""
    return np.exp(-np.logaddexp(0.0, -x))


def softmax(x: np.ndarray) -> np.ndarray:
    """Row-wise softmax of a 2-D array."""
    shifted = x - x.max(axis=1, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=1, keepdims=True)


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
            return softmax(self.a[0] * logits)
        if self.method == "softmax":
            return np.hstack([1 - expit(d), expit(d)]) if self.binary else softmax(d)
        p = expit(-(self.a * d + self.b))
        if self.binary:
            return np.hstack([1 - p, p])
        total = p.sum(axis=1, keepdims=True)
        uniform = np.full_like(p, 1 / p.shape[1])
        return np.divide(p, total, out=uniform, where=total != 0)

    def scores(self, indices: np.ndarray, values: np.ndarray) -> np.ndarray:
        """Probabilities (one per class, in ``classes`` order) of one sparse row."""
        return self.proba(self.decision(indices, values))[0]
