"""Evaluation: stratified K-fold cross-validation or train/test, and the report files.

Each fold trains the complete pipeline (vectorisers, classifier, calibration and the
fallback threshold tuned on the training part only), so the scores measure exactly
what ``train`` would ship.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import accuracy_score, classification_report, confusion_matrix, f1_score
from sklearn.model_selection import StratifiedKFold

from nlu.config import TrainConfig
from nlu.data import Example
from nlu.model import NluModel
from nlu.normalize import normalize
from nlu.training import check_examples, train_model

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Prediction:
    """One evaluated example: gold intent, predicted intent (after fallback), raw top."""

    example: Example
    predicted: str
    confidence: float
    raw_top: str


def predict(model: NluModel, examples: Sequence[Example]) -> list[Prediction]:
    """Classify examples through the single-message path the bot uses."""
    out = []
    for e in examples:
        intent, ranking = model.classify(normalize(e.text))
        out.append(Prediction(e, intent["name"], ranking[0]["confidence"], ranking[0]["name"]))
    return out


def cross_validate(
    examples: Sequence[Example],
    config: TrainConfig,
    folds: int,
    *,
    userdict: str = "",
    progress: Progress | None = None,
) -> list[Prediction]:
    """Out-of-fold predictions of a stratified K-fold (folds capped by the rarest intent)."""
    counts = check_examples(examples)
    k = min(folds, min(counts.values()))
    if k < 2:
        raise ValueError("cross-validation needs at least 2 examples per intent")
    y = np.array([e.intent for e in examples])
    splitter = StratifiedKFold(n_splits=k, shuffle=True, random_state=config.seed)
    predictions: list[Prediction] = []
    for n, (train_idx, test_idx) in enumerate(splitter.split(np.zeros(len(y)), y), start=1):
        if progress:
            progress(f"fold {n}/{k}: training on {len(train_idx)}, testing on {len(test_idx)}")
        model = train_model([examples[i] for i in train_idx], config, userdict=userdict)
        predictions.extend(predict(model, [examples[i] for i in test_idx]))
    return predictions


def build_report(
    predictions: Sequence[Prediction], mode: str, model_threshold: float | None = None
) -> dict[str, Any]:
    """Scores, confusion matrix and misclassified examples as a JSON-ready dict."""
    gold = [p.example.intent for p in predictions]
    pred = [p.predicted for p in predictions]
    labels = sorted(set(gold) | set(pred))
    per_intent = classification_report(gold, pred, labels=labels, output_dict=True, zero_division=0)
    return {
        "mode": mode,
        "n_examples": len(predictions),
        "accuracy": float(accuracy_score(gold, pred)),
        "macro_f1": float(
            f1_score(gold, pred, labels=sorted(set(gold)), average="macro", zero_division=0)
        ),
        "macro_f1_without_fallback": float(
            f1_score(
                gold,
                [p.raw_top for p in predictions],
                labels=sorted(set(gold)),
                average="macro",
                zero_division=0,
            )
        ),
        "threshold": model_threshold,
        "intents": {k: {m: float(v) for m, v in per_intent[k].items()} for k in labels},
        "labels": labels,
        "confusion_matrix": confusion_matrix(gold, pred, labels=labels).tolist(),
        "misclassified": [
            {
                "text": p.example.text,
                "intent": p.example.intent,
                "predicted": p.predicted,
                "confidence": p.confidence,
                "source": p.example.source,
                "line": p.example.line,
            }
            for p in predictions
            if p.predicted != p.example.intent
        ],
    }


def diff_reports(previous: Mapping[str, Any], current: Mapping[str, Any]) -> dict[str, Any]:
    """What changed since the previous report: overall and per-intent F1 deltas."""

    def delta(key: str) -> float:
        return round(float(current.get(key, 0.0)) - float(previous.get(key, 0.0)), 4)

    intents = sorted(set(previous.get("intents", {})) | set(current.get("intents", {})))
    per_intent = {}
    for name in intents:
        before = previous.get("intents", {}).get(name, {}).get("f1-score", 0.0)
        after = current.get("intents", {}).get(name, {}).get("f1-score", 0.0)
        if round(after - before, 4):
            per_intent[name] = {"before": before, "after": after, "delta": round(after - before, 4)}
    return {
        "accuracy": delta("accuracy"),
        "macro_f1": delta("macro_f1"),
        "intents_f1": per_intent,
        "previous_data_hash": previous.get("data_hash"),
        "current_data_hash": current.get("data_hash"),
    }


def plot_confusion(report: Mapping[str, Any], path: Path) -> None:
    """Confusion-matrix PNG (matplotlib, Agg backend: no display needed)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels, matrix = report["labels"], np.array(report["confusion_matrix"])
    size = max(6.0, 0.45 * len(labels) + 2)
    fig, ax = plt.subplots(figsize=(size, size))
    ax.imshow(matrix, cmap="Blues")
    ax.set_xticks(range(len(labels)), labels, rotation=90, fontsize=8)
    ax.set_yticks(range(len(labels)), labels, fontsize=8)
    ax.set_xlabel("predicted")
    ax.set_ylabel("gold")
    for (i, j), value in np.ndenumerate(matrix):
        if value:
            ax.text(
                j,
                i,
                str(value),
                ha="center",
                va="center",
                fontsize=6,
                color="white" if value > matrix.max() / 2 else "black",
            )
    ax.set_title(f"{report['mode']}: macro-F1 {report['macro_f1']:.3f}")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write_report(report: dict[str, Any], directory: Path) -> dict[str, Path]:
    """Write report.json, confusion_matrix.png, misclassified.jsonl and diff.json."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = {
        "report": directory / "report.json",
        "confusion": directory / "confusion_matrix.png",
        "misclassified": directory / "misclassified.jsonl",
    }
    if paths["report"].is_file():
        try:
            previous = json.loads(paths["report"].read_text(encoding="utf-8"))
            report["diff"] = diff_reports(previous, report)
            paths["diff"] = directory / "diff.json"
            paths["diff"].write_text(
                json.dumps(report["diff"], ensure_ascii=False, indent=2), encoding="utf-8"
            )
        except (ValueError, AttributeError):
            report["diff"] = {"error": "previous report.json unreadable; no diff"}
    lines = (json.dumps(m, ensure_ascii=False) for m in report["misclassified"])
    paths["misclassified"].write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    paths["report"].write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    plot_confusion(report, paths["confusion"])
    return paths
