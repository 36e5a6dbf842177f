"""The loaded NLU model: text → intent ranking, entities, sensitive hits, language."""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np

from nlu.entities import EntityPatterns, extract_normalized
from nlu.features import FeatureSpace, Prepared, prepare_text
from nlu.normalize import Normalized, normalize
from nlu.payloads import IntentPayload, ParseResult
from nlu.risk.combine import detect
from nlu.risk.model import RiskModel
from nlu.scorer import LinearScorer
from nlu.sensitive import SensitiveMatcher
from nlu.tokenize import Tokenizer

RANKING_SIZE = 10


class NluModel:
    """A trained intent model plus the entity extractor and the risk detection (the
    sensitive-word lexicon, and the risk classifier when the file has one).

    ``threshold``: below it the intent becomes ``fallback_intent`` (the raw ranking
    is kept), like Rasa's FallbackClassifier.
    """

    def __init__(
        self,
        tokenizer: Tokenizer,
        features: FeatureSpace,
        scorer: LinearScorer,
        sensitive: SensitiveMatcher,
        entity_config: dict[str, Any],
        threshold: float,
        fallback_intent: str,
        metadata: dict[str, Any],
        risk: RiskModel | None = None,
    ) -> None:
        self.tokenizer = tokenizer
        self.features = features
        self.scorer = scorer
        self.sensitive = sensitive
        self.entity_config = entity_config
        self.entity_patterns = EntityPatterns.build(entity_config)
        self.threshold = threshold
        self.fallback_intent = fallback_intent
        self.metadata = metadata
        self.risk = risk

    @property
    def intents(self) -> tuple[str, ...]:
        """The intent names the classifier knows."""
        return self.scorer.classes

    def prepare(self, norm: Normalized) -> Prepared:
        """Feature input of a normalised message (tokens + digit-folded text)."""
        text = prepare_text(norm.text, self.features.params)
        return Prepared(tuple(self.tokenizer.tokens(text)), text)

    def probabilities(self, norm: Normalized) -> tuple[np.ndarray, bool]:
        """Class probabilities and whether any known feature was present."""
        indices, values = self.features.transform_one(self.prepare(norm))
        return self.scorer.scores(indices, values), indices.size > 0

    def classify(self, norm: Normalized) -> tuple[IntentPayload, list[IntentPayload]]:
        """Intent (after fallback) and the raw top-10 ranking."""
        probs, known = self.probabilities(norm)
        order = np.argsort(-probs, kind="stable")[:RANKING_SIZE]
        ranking: list[IntentPayload] = [
            {"name": self.scorer.classes[i], "confidence": round(float(probs[i]), 6)} for i in order
        ]
        top = ranking[0]
        if not known:
            return {"name": self.fallback_intent, "confidence": 1.0}, ranking
        if top["confidence"] < self.threshold:
            # Confidence of the fallback = how unsure the classifier is.
            return {
                "name": self.fallback_intent,
                "confidence": round(1.0 - top["confidence"], 6),
            }, ranking
        return dict(top), ranking  # type: ignore[return-value]

    def parse(self, text: str, today: date | None = None) -> ParseResult:
        """Parse one message into Rasa's parse format plus ``sensitive`` and ``language``."""
        if not isinstance(text, str):
            text = str(text)
        norm = normalize(text)
        intent, ranking = self.classify(norm)
        return {
            "text": text,
            "intent": intent,
            "intent_ranking": ranking,
            "entities": extract_normalized(norm, today, self.entity_patterns),
            "sensitive": [hit.to_payload() for hit in detect(norm, self.sensitive, self.risk)],
            "language": norm.language,
        }
