"""Which FAQ entry a question asks: TF-IDF over the entries' example questions.

Features are jieba words plus character 2–3-grams of the normalised text (full-width folded,
lower case, Traditional folded to Simplified, as the NLU sees it), so "統編" and "统编" match
and a segmentation slip still shares n-grams. An entry's similarity to a question is the best
cosine between the question and any of its examples.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from bot.policy.faq_file import FaqEntry, Thresholds
from nlu.normalize import normalize

Words = Callable[[str], list[str]]
_CHAR_NGRAMS = (2, 3)


@dataclass(frozen=True)
class Match:
    entry: FaqEntry
    similarity: float
    runner_up: float  # the best similarity of any other entry considered

    def passes(self, thresholds: Thresholds) -> bool:
        return (self.similarity >= thresholds.min_similarity
                and self.similarity - self.runner_up >= thresholds.margin)


def _features(words: Words) -> Callable[[str], list[str]]:
    def analyse(text: str) -> list[str]:
        folded = normalize(text).text
        compact = "".join(folded.split())
        grams = [compact[i:i + n] for n in range(_CHAR_NGRAMS[0], _CHAR_NGRAMS[1] + 1)
                 for i in range(len(compact) - n + 1)]
        tokens = [f"w:{w}" for w in words(folded) if w.strip() and any(c.isalnum() for c in w)]
        return tokens + grams
    return analyse


class FaqIndex:
    """The entries of one locale, vectorised once; `best` ranks them for a question."""

    def __init__(self, entries: tuple[FaqEntry, ...], words: Words) -> None:
        self.entries = entries
        rows = [(n, q) for n, entry in enumerate(entries) for q in entry.questions]
        self._owner = np.array([n for n, _ in rows], dtype=np.int64)
        self._vectorizer = TfidfVectorizer(analyzer=_features(words), sublinear_tf=True)
        self._matrix = self._vectorizer.fit_transform([q for _, q in rows]) if rows else None

    def best(self, text: str, intents: Iterable[str] | None = None) -> Match | None:
        """The entry most similar to ``text`` among those of ``intents`` (None: all)."""
        if self._matrix is None or not text.strip():
            return None
        wanted = None if intents is None else frozenset(intents)
        query = self._vectorizer.transform([text])
        by_row = (self._matrix @ query.T).toarray().ravel()  # rows are L2-normalised: cosine
        scores = np.zeros(len(self.entries))
        np.maximum.at(scores, self._owner, by_row)
        allowed = [n for n, e in enumerate(self.entries) if wanted is None or e.intent in wanted]
        if not allowed:
            return None
        ranked = sorted(allowed, key=lambda n: -scores[n])
        runner_up = float(scores[ranked[1]]) if len(ranked) > 1 else 0.0
        return Match(self.entries[ranked[0]], float(scores[ranked[0]]), runner_up)
