"""Which FAQ entry a question asks: TF-IDF over the entries' example questions.

Features are jieba words plus character 1–2-grams of the normalised text (full-width folded,
lower case, Traditional folded to Simplified, as the NLU sees it), so "統編" and "统编" match
and a segmentation slip still shares n-grams. An entry is the normalised sum of its examples'
vectors, so a new wording that borrows words from several examples still finds it; its
similarity to a question is the cosine of the two. Left-one-out over the first version of
the examples (each one matched with itself removed, thresholds 0.3 / 0.03): the best single
example with 2–3-grams was right in 53% of its answers, the entries' sums with 1–2-grams in
72%; the shipped examples give 83–89% per locale (`tests/bot/policy/test_faq_match.py`).

The weights are scikit-learn's ``TfidfVectorizer(sublinear_tf=True)`` figures (smoothed IDF,
1 + log(tf), rows L2-normalised, summed in the same order), computed here with numpy: the
web app builds this index in every worker, and importing scikit-learn (with scipy) for it
cost each one ~75 MB.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice

import numpy as np

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


class _Tfidf:
    """TF-IDF fitted on counted documents: dense, L2-normalised rows for texts to compare."""

    def __init__(self, analyse: Callable[[str], list[str]],
                 counted: Sequence[Counter[str]]) -> None:
        self._analyse = analyse
        self.columns = {term: n for n, term in enumerate(sorted({t for c in counted for t in c}))}
        df = np.zeros(len(self.columns))
        for counts in counted:
            df[[self.columns[term] for term in counts]] += 1
        self._idf = np.log((len(counted) + 1) / (df + 1)) + 1

    def fitted_rows(self, counted: Sequence[Counter[str]]) -> Iterator[np.ndarray]:
        """The fitted documents' rows. scikit-learn sums a fitted row's squares in the order
        its terms were first seen in the documents: so do these."""
        first_seen: dict[str, int] = {}
        for counts in counted:
            for term in counts:
                first_seen.setdefault(term, len(first_seen))
        return (self._row(counts, first_seen.__getitem__) for counts in counted)

    def vector(self, text: str) -> np.ndarray:
        """``text``'s row (terms the documents never had are left out)."""
        counts = Counter(t for t in self._analyse(text) if t in self.columns)
        return self._row(counts, self.columns.__getitem__)  # a new text: in column order

    def _row(self, counts: Counter[str], order: Callable[[str], int]) -> np.ndarray:
        row = np.zeros(len(self.columns))
        terms = sorted(counts, key=order)
        columns = [self.columns[t] for t in terms]
        weights = (np.log(np.array([counts[t] for t in terms], dtype=float)) + 1.0)
        weights *= self._idf[columns]
        squares = 0.0
        for weight in weights.tolist():  # one by one, in scikit-learn's order: the same bits
            squares += weight * weight
        row[columns] = weights / (math.sqrt(squares) or 1.0)
        return row


class FaqIndex:
    """The entries of one locale, vectorised once; `best` ranks them for a question."""

    def __init__(self, entries: tuple[FaqEntry, ...], words: Words) -> None:
        self.entries = entries
        self._tfidf: _Tfidf | None = None
        self._centroids: np.ndarray | None = None
        if entries:
            analyse = _features(words)
            counted = [Counter(analyse(q)) for e in entries for q in e.questions]
            self._tfidf = _Tfidf(analyse, counted)
            rows, width = self._tfidf.fitted_rows(counted), len(self._tfidf.columns)
            sums = np.vstack([_sum(islice(rows, len(e.questions)), width) for e in entries])
            self._centroids = sums / np.linalg.norm(sums, axis=1, keepdims=True)

    def best(self, text: str, intents: Iterable[str] | None = None) -> Match | None:
        """The entry most similar to ``text`` among those of ``intents`` (None: all)."""
        if self._tfidf is None or self._centroids is None or not text.strip():
            return None
        wanted = None if intents is None else frozenset(intents)
        allowed = [n for n, e in enumerate(self.entries) if wanted is None or e.intent in wanted]
        if not allowed:
            return None
        query = self._tfidf.vector(text)  # L2-normalised
        scores = self._centroids @ query
        ranked = sorted(allowed, key=lambda n: -scores[n])
        runner_up = float(scores[ranked[1]]) if len(ranked) > 1 else 0.0
        return Match(self.entries[ranked[0]], float(scores[ranked[0]]), runner_up)


def _sum(rows: Iterable[np.ndarray], width: int) -> np.ndarray:
    """Row after row, as scipy adds a sparse matrix's rows (the same bits)."""
    total = np.zeros(width)
    for row in rows:
        total += row
    return total
