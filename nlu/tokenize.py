"""Word segmentation with a private jieba tokenizer and the domain user dictionary."""

from __future__ import annotations

import io
import logging
from pathlib import Path

import jieba

from nlu.normalize import normalize

jieba.setLogLevel(logging.WARNING)


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


class Tokenizer:
    """jieba segmentation of normalised text (own ``jieba.Tokenizer``, not the global one)."""

    def __init__(self, userdict: str = "", hmm: bool = True) -> None:
        self.userdict = userdict
        self.hmm = hmm
        self._jieba = jieba.Tokenizer()
        self._jieba.initialize()
        folded = fold_userdict(userdict)
        if folded:
            self._jieba.load_userdict(io.StringIO(folded))

    def tokens(self, text: str) -> list[str]:
        """Segment an already normalised text; whitespace tokens are dropped."""
        return [tok for tok in self._jieba.cut(text, HMM=self.hmm) if not tok.isspace()]
