"""Held-out evaluation of risk detection as it ships (lexicon + model, ``detect``).

A stratified split (by label and locale) keeps ``test_size`` of the examples out of
training; the report gives, per category, the recall of the combined detector, of the
model alone and of the lexicon alone (what the bot did before the model), the
false-alarm rate on the ``none`` examples (all, and the hand-written hard negatives
only), and a confusion table (gold label × the top hit's category). ``splits`` > 1
repeats it with other seeds and averages.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sklearn.model_selection import train_test_split

from nlu.normalize import normalize
from nlu.risk.combine import RiskHit, detect
from nlu.risk.data import LABELS, NONE, RISK_CATEGORIES, RiskData, RiskExample
from nlu.risk.fitting import train_risk
from nlu.risk.model import RiskModel
from nlu.sensitive import SensitiveMatcher
from nlu.tokenize import Tokenizer

_WAYS = ("combined", "model", "lexicon")


def _top(hits: Sequence[RiskHit]) -> str:
    return max(hits, key=lambda h: h.score).category if hits else NONE


def _found(example: RiskExample, matcher: SensitiveMatcher, model: RiskModel) -> dict[str, Any]:
    norm = normalize(example.text)
    hits = detect(norm, matcher, model)
    return {"combined": hits, "model": [h for h in hits if h.source == "model"],
            "lexicon": [h for h in detect(norm, matcher, None)]}


def _rates(examples: Sequence[RiskExample], found: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for way in _WAYS:
        recall = {}
        for c in RISK_CATEGORIES:
            rows = [f for e, f in zip(examples, found, strict=True) if e.label == c]
            recall[c] = sum(any(h.category == c for h in f[way]) for f in rows) / max(len(rows), 1)
        nones = [(e, f) for e, f in zip(examples, found, strict=True) if e.label == NONE]
        hard = [(e, f) for e, f in nones if not e.source.startswith("nlu:")]
        out[way] = {"recall": recall,
                    "false_alarm": sum(bool(f[way]) for _, f in nones) / max(len(nones), 1),
                    "false_alarm_hard": sum(bool(f[way]) for _, f in hard) / max(len(hard), 1)}
    return out


def evaluate_split(data: RiskData, matcher: SensitiveMatcher, tokenizer: Tokenizer,
                   seed: int, test_size: float) -> dict[str, Any]:
    """Train on one stratified part, score the held-out rest."""
    strata = [f"{e.label}/{e.locale}" for e in data.examples]
    train, test = train_test_split(list(data.examples), test_size=test_size,
                                   random_state=seed, stratify=strata)
    model = train_risk(train, data.settings, tokenizer, seed)
    found = [_found(e, matcher, model) for e in test]
    confusion = Counter((e.label, _top(f["combined"])) for e, f in zip(test, found, strict=True))
    missed = [{"text": e.text, "label": e.label, "got": [h.category for h in f["combined"]]}
              for e, f in zip(test, found, strict=True)
              if (e.label == NONE) == bool(f["combined"]) or
              (e.label != NONE and e.label not in {h.category for h in f["combined"]})]
    return {"seed": seed, "n_train": len(train), "n_test": len(test),
            "support": dict(Counter(e.label for e in test)), **_rates(test, found),
            "confusion": {g: {p: confusion[(g, p)] for p in LABELS} for g in LABELS},
            "errors": missed}


def evaluate_risk(data: RiskData, matcher: SensitiveMatcher, tokenizer: Tokenizer,
                  splits: int = 5, test_size: float = 0.25) -> dict[str, Any]:
    """The first split in full, and every figure averaged over ``splits`` seeds."""
    runs = [evaluate_split(data, matcher, tokenizer, seed, test_size) for seed in range(splits)]
    mean: dict[str, Any] = {}
    for way in _WAYS:
        mean[way] = {
            "recall": {c: round(sum(r[way]["recall"][c] for r in runs) / splits, 4)
                       for c in RISK_CATEGORIES},
            "false_alarm": round(sum(r[way]["false_alarm"] for r in runs) / splits, 4),
            "false_alarm_hard": round(sum(r[way]["false_alarm_hard"] for r in runs) / splits, 4)}
    return {"n_examples": len(data.examples), "test_size": test_size, "splits": splits,
            "settings": data.settings.to_dict(), "held_out": runs[0], "mean": mean}


def write_risk_report(report: dict[str, Any], directory: Path) -> Path:
    """``<directory>/risk.json``."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "risk.json"
    path.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def summary_lines(report: dict[str, Any]) -> list[str]:
    """The table the CLI prints: recall per category, false alarms, held-out and mean."""
    lines = [f"{'':22}" + "".join(f"{c:>10}" for c in RISK_CATEGORIES) +
             f"{'false-al.':>10}{'hard neg.':>10}"]
    for label, block in (("held-out", report["held_out"]), ("mean of splits", report["mean"])):
        for way in _WAYS:
            row = block[way]
            lines.append(f"{label + ' ' + way:22}" +
                         "".join(f"{row['recall'][c]:10.3f}" for c in RISK_CATEGORIES) +
                         f"{row['false_alarm']:10.3f}{row['false_alarm_hard']:10.3f}")
    lines.append("confusion (gold → top hit), held-out: " + "".join(f"{p:>10}" for p in LABELS))
    for gold, row in report["held_out"]["confusion"].items():
        lines.append(f"{gold:>38}: " + "".join(f"{row[p]:10d}" for p in LABELS))
    return lines
