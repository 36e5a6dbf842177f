"""Which FAQ entry a question asks: TF-IDF over the entries' example questions.

Features are jieba words plus character 1–2-grams of the normalised text (full-width folded,
lower case, Traditional folded to Simplified, as the NLU sees it), so "統編" and "统编" match
and a segmentation slip still shares n-grams. An entry is the normalised sum of its examples'
vectors, so a new wording that borrows words from several examples still finds it; its
similarity to a question is the cosine of the two. Left-one-out over the first version of
the examples (each one matched with itself removed, thresholds 0.3 / 0.03): the best single
example with 2–3-grams was right in 53% of its answers, the entries' sums with 1–2-grams in
72%; the shipped examples give 83–89% per locale (`tests/bot/policy/test_faq_match.py`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from bot.policy.faq_file import FaqEntry, Thresholds
from nlu.normalize import normalize

Words = Callable[[str], list[str]]
_CHAR_NGRAMS = (1, 2)


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
        self._vectorizer = TfidfVectorizer(analyzer=_features(words), sublinear_tf=True)
        self._centroids: np.ndarray | None = None
        if entries:
            rows = self._vectorizer.fit_transform([q for e in entries for q in e.questions])
            owner = np.repeat(np.arange(len(entries)), [len(e.questions) for e in entries])
            sums = np.vstack([np.asarray(rows[owner == n].sum(axis=0)).ravel()
                              for n in range(len(entries))])
            self._centroids = sums / np.linalg.norm(sums, axis=1, keepdims=True)

    def best(self, text: str, intents: Iterable[str] | None = None) -> Match | None:
        """The entry most similar to ``text`` among those of ``intents`` (None: all)."""
        if self._centroids is None or not text.strip():
            return None
        wanted = None if intents is None else frozenset(intents)
        allowed = [n for n, e in enumerate(self.entries) if wanted is None or e.intent in wanted]
        if not allowed:
            return None
        query = self._vectorizer.transform([text]).toarray().ravel()  # L2-normalised
        scores = self._centroids @ query
        ranked = sorted(allowed, key=lambda n: -scores[n])
        runner_up = float(scores[ranked[1]]) if len(ranked) > 1 else 0.0
        return Match(self.entries[ranked[0]], float(scores[ranked[0]]), runner_up)
