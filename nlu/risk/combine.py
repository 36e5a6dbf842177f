"""Lexicon + model: the risk hits of one message.

* When the model gives the whole message a "none" probability of at least
  ``lexicon_veto`` (the neutral uses: a listed word about the customer themself, a
  programme or product name, a quotation, no grievance), nothing fires.
* Otherwise a listed word (``nlu.sensitive``) fires.
* The model fires for a category whose score reaches its threshold and that no kept
  listed word already covers; its span is the clause that scored highest.
"""

from __future__ import annotations

from dataclasses import dataclass

from nlu.normalize import Normalized
from nlu.payloads import SensitivePayload
from nlu.risk.model import RiskModel
from nlu.sensitive import SensitiveHit, SensitiveMatcher


@dataclass(frozen=True)
class RiskHit:
    """A risk found in a message: category, score, the span (original offsets), source."""

    category: str
    score: float
    start: int
    end: int
    span: str
    source: str  # lexicon | model

    def to_payload(self) -> SensitivePayload:
        """Wire form in the parse result's ``sensitive`` list (``word`` is the span)."""
        return {"word": self.span, "category": self.category, "start": self.start,
                "end": self.end, "span": self.span, "score": round(self.score, 3),
                "source": self.source}


def _lexicon_hit(hit: SensitiveHit, score: float) -> RiskHit:
    return RiskHit(hit.category, score, hit.start, hit.end, hit.word, "lexicon")


def detect(norm: Normalized, matcher: SensitiveMatcher, model: RiskModel | None) -> list[RiskHit]:
    """Risk hits of a normalised message, lexicon hits first, in text order."""
    words = matcher.find_normalized(norm)
    if model is None:
        return [_lexicon_hit(h, 1.0) for h in words]
    scored = model.score(norm)
    if not scored:
        return [_lexicon_hit(h, 1.0) for h in words]
    none = scored[0].none
    if none >= model.settings.lexicon_veto:
        # The message as a whole is a neutral use: a clause ("我老公是律师") alone is no threat.
        return []
    hits = [_lexicon_hit(h, round(1.0 - none, 3)) for h in words]
    kept = words
    covered = {h.category for h in kept}
    for s in scored:
        if s.category in covered or s.score < model.settings.thresholds[s.category]:
            continue
        start, end = norm.span(s.start, s.end)
        hits.append(RiskHit(s.category, s.score, start, end, norm.original[start:end], "model"))
    return hits
