"""The risk classifier inside the intent model file: a ``risk`` entry in the JSON header
and ``risk_*`` arrays, so one file is loaded and nothing is unpickled."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import numpy as np

from nlu.features import FeatureBlock, FeatureParams, FeatureSpace
from nlu.risk.data import RiskSettings
from nlu.risk.model import RiskModel
from nlu.scorer import LinearScorer
from nlu.tokenize import Tokenizer


def risk_header(risk: RiskModel) -> dict[str, Any]:
    """The JSON part: classes, calibration, vocabularies, settings, metadata."""
    blocks = [{"name": b.name, "offset": b.offset,
               "vocabulary": sorted(b.vocabulary, key=b.vocabulary.__getitem__)}
              for b in risk.features.blocks]
    return {"classes": list(risk.scorer.classes), "method": risk.scorer.method,
            "feature_params": asdict(risk.features.params), "blocks": blocks,
            "settings": risk.settings.to_dict(), "metadata": risk.metadata}


def risk_arrays(risk: RiskModel) -> dict[str, np.ndarray]:
    """The numeric part, prefixed ``risk_``."""
    arrays = {"risk_coef": risk.scorer.coef, "risk_intercept": risk.scorer.intercept,
              "risk_calib_a": risk.scorer.a, "risk_calib_b": risk.scorer.b}
    for i, block in enumerate(risk.features.blocks):
        arrays[f"risk_idf_{i}"] = block.idf
    return arrays


def risk_from(header: dict[str, Any], arrays: dict[str, np.ndarray],
              tokenizer: Tokenizer) -> RiskModel | None:
    """Rebuild the risk model (None when the file has none); shapes are checked."""
    raw = header.get("risk")
    if raw is None:
        return None
    values: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v
                              for k, v in raw["feature_params"].items()}
    params = FeatureParams(**values)
    blocks = [FeatureBlock(b["name"], {w: i for i, w in enumerate(b["vocabulary"])},
                           arrays[f"risk_idf_{n}"], b["offset"])
              for n, b in enumerate(raw["blocks"])]
    features = FeatureSpace(params, blocks)
    classes = tuple(raw["classes"])
    scorer = LinearScorer(classes, arrays["risk_coef"], arrays["risk_intercept"], raw["method"],
                          arrays["risk_calib_a"], arrays["risk_calib_b"])
    if scorer.coef.shape != (features.n_features, len(classes)):
        raise ValueError("risk model: array shapes do not match the vocabulary and classes")
    s = raw["settings"]
    settings = RiskSettings({k: float(v) for k, v in s["thresholds"].items()},
                            lexicon_veto=float(s["lexicon_veto"]), clauses=bool(s["clauses"]),
                            features=params)
    return RiskModel(tokenizer, features, scorer, settings, dict(raw["metadata"]))
