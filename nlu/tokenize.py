"""Word segmentation with a private jieba tokenizer, a compact dictionary and the user dict.

jieba's full dictionary (349 k words, ~75 MB of Python objects once its prefix
table is built) dominated the loaded model's memory and load time. Training keeps
only the words that matter (``select_dictionary``): frequent ones plus every word the
training data was segmented into; the model file stores that list. Word
probabilities keep jieba's original total, so the kept words compete exactly as
before and cross-validated accuracy is unchanged (see nlu/README.md).
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import jieba

from nlu.normalize import normalize

jieba.setLogLevel(logging.WARNING)


@dataclass(frozen=True)
class Dictionary:
    """A jieba word → frequency table and the corpus total its frequencies refer to."""

    freq: Mapping[str, int]
    total: int


def jieba_dictionary() -> Dictionary:
    """jieba's full default dictionary, parsed from its text file (no marshal cache)."""
    freq: dict[str, int] = {}
    total = 0  # summed per line like jieba does (a duplicated word counts twice)
    with jieba.Tokenizer().get_dict_file() as fh:
        for raw in fh:
            parts = raw.decode("utf-8").split()
            if len(parts) >= 2:
                freq[parts[0]] = int(parts[1])
                total += int(parts[1])
    return Dictionary(freq, total)


def select_dictionary(
    full: Dictionary, segmented: Iterable[Iterable[str]], min_freq: int
) -> Dictionary:
    """Words of ``full`` with frequency ≥ ``min_freq`` plus those used in ``segmented``."""
    keep = {w: f for w, f in full.freq.items() if f >= min_freq}
    for tokens in segmented:
        for tok in tokens:
            if tok in full.freq:
                keep[tok] = full.freq[tok]
    return Dictionary(keep, full.total)


def read_userdict(path: Path | str) -> str:
    """Read a jieba user dictionary file (``word [freq] [tag]`` per line)."""
    return Path(path).read_text(encoding="utf-8")


def fold_userdict(content: str) -> str:
    """Normalise the words of a user dictionary the same way messages are normalised.

    Messages are segmented after Traditional → Simplified folding and lower-casing,
    so 鑑賞期 must be known to jieba as 鉴赏期.
    """
    lines = []
    for line in content.splitlines():
        parts = line.strip().split()
        if not parts or parts[0].startswith("#"):
            continue
        parts[0] = normalize(parts[0]).text.replace(" ", "")
        if parts[0]:
            lines.append(" ".join(parts))
    return "\n".join(lines)


def _prefix_table(dictionary: Dictionary) -> dict[str, int]:
    # jieba's DAG walks prefixes: every prefix of a word must be a key (frequency 0).
    table: dict[str, int] = {}
    for word, freq in dictionary.freq.items():
        table[word] = freq
        for i in range(1, len(word)):
            table.setdefault(word[:i], 0)
    return table


class Tokenizer:
    """jieba segmentation of normalised text (own ``jieba.Tokenizer``, not the global one).

    ``dictionary``: the word table to segment with; ``None`` means jieba's full one.
    """

    def __init__(
        self, userdict: str = "", hmm: bool = True, dictionary: Dictionary | None = None
    ) -> None:
        self.userdict = userdict
        self.hmm = hmm
        self.dictionary = dictionary
        self._jieba = jieba.Tokenizer()
        table = dictionary or jieba_dictionary()
        self._jieba.FREQ, self._jieba.total = _prefix_table(table), table.total
        self._jieba.initialized = True  # tables set above: skip jieba's file/cache loading
        folded = fold_userdict(userdict)
        if folded:
            self._jieba.load_userdict(io.StringIO(folded))

    def tokens(self, text: str) -> list[str]:
        """Segment an already normalised text; whitespace tokens are dropped."""
        return [tok for tok in self._jieba.cut(text, HMM=self.hmm) if not tok.isspace()]
