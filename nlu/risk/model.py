"""The exported risk classifier: numpy-only scoring of a message and of its clauses.

A threat is often one clause of a longer message ("东西坏了三天没人理，截图我都留着"), so
the message is scored whole and clause by clause; a category's score is the highest, and
the span that triggered it is the best clause reaching the threshold (else the message).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from nlu.features import FeatureSpace, Prepared, prepare_text
from nlu.normalize import Normalized
from nlu.risk.data import NONE, RISK_CATEGORIES, RiskSettings
from nlu.scorer import LinearScorer
from nlu.tokenize import Tokenizer

# Clause boundaries on the normalised (half-width, lower-case) text.
_CLAUSE_END = re.compile(r"[,.!?;:，。！？；：、~\n]+")
_MIN_CLAUSE = 2


@dataclass(frozen=True)
class Scored:
    """One category's best score in a message and the normalised span that gave it."""

    category: str
    score: float
    start: int
    end: int
    none: float  # the probability of "none" for the whole message


def clauses(text: str) -> list[tuple[int, int]]:
    """Half-open spans of the clauses of ``text`` (stripped, at least two characters)."""
    spans, begin = [], 0
    for match in [*_CLAUSE_END.finditer(text), None]:
        end = match.start() if match else len(text)
        piece = text[begin:end]
        lead = len(piece) - len(piece.lstrip())
        s, e = begin + lead, begin + len(piece.rstrip())
        if e - s >= _MIN_CLAUSE:
            spans.append((s, e))
        begin = match.end() if match else len(text)
    return spans


@dataclass(frozen=True)
class RiskModel:
    """Vocabulary, coefficients and calibration of the risk classifier, plus its settings."""

    tokenizer: Tokenizer
    features: FeatureSpace
    scorer: LinearScorer
    settings: RiskSettings
    metadata: dict[str, object]

    def probabilities(self, text: str) -> np.ndarray:
        """Class probabilities (``scorer.classes`` order) of a normalised text."""
        prepared = prepare_text(text, self.features.params)
        doc = Prepared(tuple(self.tokenizer.tokens(prepared)), prepared)
        return self.scorer.scores(*self.features.transform_one(doc))

    def score(self, norm: Normalized) -> list[Scored]:
        """Each risk category's best score over the message and its clauses."""
        text = norm.text.strip()
        if not text:
            return []
        whole = self.probabilities(text)
        classes = self.scorer.classes
        none = float(whole[classes.index(NONE)])
        start = len(norm.text) - len(norm.text.lstrip())
        spans = [(start, start + len(text), whole)]
        if self.settings.clauses:
            parts = clauses(norm.text)
            if len(parts) > 1:
                spans += [(s, e, self.probabilities(norm.text[s:e])) for s, e in parts]
        return [self._best(category, spans, none) for category in RISK_CATEGORIES]

    def _best(self, category: str, spans: list[tuple[int, int, np.ndarray]],
              none: float) -> Scored:
        column = self.scorer.classes.index(category)
        s, e, probs = max(spans, key=lambda item: float(item[2][column]))
        # The span is the clause that carries the risk, when one alone reaches the threshold.
        carrying = [(cs, ce, float(p[column])) for cs, ce, p in spans[1:]
                    if float(p[column]) >= self.settings.thresholds[category]]
        if carrying:
            s, e, _ = max(carrying, key=lambda item: item[2])
        return Scored(category, float(probs[column]), s, e, none)
