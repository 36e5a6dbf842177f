"""Feature extraction: jieba word n-grams + character n-grams, TF-IDF weighted.

Training fits scikit-learn ``TfidfVectorizer``s (``nlu.fitting``: one per block,
joined with a ``FeatureUnion``) on ``Prepared`` documents using ``analyzers``.
Parsing a single message does not go through scikit-learn: ``FeatureSpace.transform_one``
rebuilds the same sparse row
from the exported vocabularies and IDF vectors, which avoids the per-call overhead
of the batch machinery (tests check both give the same scores).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

_DIGITS = re.compile(r"\d+")


@dataclass(frozen=True)
class FeatureParams:
    """Hyper-parameters of the feature blocks (from ``nlu_config.yml``)."""

    word_ngrams: tuple[int, int] = (1, 2)
    char_ngrams: tuple[int, int] = (1, 3)
    fold_digits: bool = True
    sublinear_tf: bool = True
    min_df: int = 1
    max_chars: int = 1000


@dataclass(frozen=True)
class Prepared:
    """A normalised message ready for the analyzers: its word tokens and its text."""

    tokens: tuple[str, ...]
    text: str


def prepare_text(text: str, params: FeatureParams) -> str:
    """Truncate and fold digit runs (order numbers say nothing about the intent)."""
    text = text[: params.max_chars]
    return _DIGITS.sub("0", text) if params.fold_digits else text


def word_features(doc: Prepared, ngrams: tuple[int, int]) -> list[str]:
    """Word n-grams over jieba tokens, prefixed so they never clash with char grams."""
    tokens = doc.tokens
    low, high = ngrams
    feats = []
    for n in range(low, high + 1):
        for i in range(len(tokens) - n + 1):
            feats.append("w:" + " ".join(tokens[i : i + n]))
    return feats


def char_features(doc: Prepared, ngrams: tuple[int, int]) -> list[str]:
    """Character n-grams over the padded text (robust to segmentation errors, typos)."""
    text = " " + doc.text + " "
    low, high = ngrams
    feats = []
    for n in range(low, high + 1):
        for i in range(len(text) - n + 1):
            gram = text[i : i + n]
            if gram != " ":
                feats.append(gram)
    return feats


def analyzers(params: FeatureParams) -> dict[str, Callable[[Prepared], list[str]]]:
    """Analyzer per enabled block (an n-gram range starting at 0 disables the block)."""
    found: dict[str, Callable[[Prepared], list[str]]] = {}
    if params.word_ngrams[0] > 0:
        found["word"] = lambda doc: word_features(doc, params.word_ngrams)
    if params.char_ngrams[0] > 0:
        found["char"] = lambda doc: char_features(doc, params.char_ngrams)
    if not found:
        raise ValueError(
            "features: at least one of word_ngrams / char_ngrams must start at 1 or more"
        )
    return found


@dataclass(frozen=True)
class FeatureBlock:
    """One exported TF-IDF block: vocabulary → column, IDF per column, column offset."""

    name: str
    vocabulary: dict[str, int]
    idf: np.ndarray
    offset: int


class FeatureSpace:
    """Single-message vectoriser equivalent to a fitted ``build_union`` result."""

    def __init__(self, params: FeatureParams, blocks: Sequence[FeatureBlock]) -> None:
        self.params = params
        self.blocks = tuple(blocks)
        self._analyzers = analyzers(params)
        self.n_features = sum(len(b.vocabulary) for b in self.blocks)

    def transform_one(self, doc: Prepared) -> tuple[np.ndarray, np.ndarray]:
        """Column indices and TF-IDF values (each block L2-normalised) of one message."""
        indices: list[int] = []
        values: list[float] = []
        for block in self.blocks:
            vocab = block.vocabulary
            counts = Counter(f for f in self._analyzers[block.name](doc) if f in vocab)
            if not counts:
                continue
            cols = [vocab[f] for f in counts]
            tf = [
                1.0 + math.log(c) if self.params.sublinear_tf else float(c) for c in counts.values()
            ]
            weights = np.asarray(tf) * block.idf[cols]
            weights /= np.sqrt(weights @ weights)
            indices.extend(c + block.offset for c in cols)
            values.extend(weights.tolist())
        return np.asarray(indices, dtype=np.intp), np.asarray(values, dtype=np.float64)
