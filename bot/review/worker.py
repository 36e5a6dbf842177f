"""Retrain in a separate process: ``python -m bot.review.worker ARGS``.

Training is CPU-bound for several seconds; running it in its own process keeps the web server's
event loop (and every live conversation) responsive. Progress goes to stdout as JSON lines
(``{"pct": 40, "message": "..."}``) for the console's progress bar; the evaluation of the
candidate against the current model is written to ``--report`` as JSON.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from nlu import load_config, load_examples, load_model, save_model
from nlu.config import load_yaml
from nlu.data import Example, load_rasa_yaml
from nlu.evaluate import build_report, predict
from nlu.model import NluModel
from nlu.risk.data import load_risk_data
from nlu.tokenize import read_userdict


def say(pct: int, message: str) -> None:
    """One progress line for the parent process."""
    print(json.dumps({"pct": pct, "message": message}, ensure_ascii=False), flush=True)


def _optional(path: Path) -> Path | None:
    return path if path.exists() else None


def train(data_dir: Path) -> NluModel:
    """Train exactly as ``aftersales nlu train`` does from ``training_data/``."""
    from nlu import train_model

    examples = load_examples([data_dir / "nlu"])
    say(10, f"{len(examples)} examples loaded")
    config = load_config(_optional(data_dir / "nlu_config.yml"))
    userdict = _optional(data_dir / "jieba_userdict.txt")
    lexicon = _optional(data_dir / "lexicons" / "sensitive.yml")
    return train_model(examples, config, userdict=read_userdict(userdict) if userdict else "",
                       lexicon=load_yaml(lexicon) if lexicon else None,
                       progress=lambda message: say(40, message),
                       risk=load_risk_data(data_dir / "risk"))


def scores(model: NluModel | None, examples: list[Example]) -> dict[str, Any] | None:
    """Accuracy and macro F1 of ``model`` on ``examples`` (None without a model or examples)."""
    if model is None or not examples:
        return None
    report = build_report(predict(model, examples), "review", model.threshold)
    return {"n": report["n_examples"], "accuracy": round(report["accuracy"], 4),
            "macro_f1": round(report["macro_f1"], 4)}


def evaluate(candidate: NluModel, current: NluModel | None, data_dir: Path) -> dict[str, Any]:
    """Both models on the relabelled messages and on the whole training set."""
    reviewed_file = data_dir / "nlu" / "reviewed.yml"
    reviewed = load_rasa_yaml(reviewed_file) if reviewed_file.exists() else []
    everything = load_examples([data_dir / "nlu"])
    say(80, "evaluating the candidate against the current model")
    return {
        "reviewed": {"current": scores(current, reviewed),
                     "candidate": scores(candidate, reviewed)},
        "training": {"current": scores(current, everything),
                     "candidate": scores(candidate, everything)},
        "threshold": {"current": current.threshold if current else None,
                      "candidate": candidate.threshold},
        "n_examples": len(everything),
        "n_reviewed": len(reviewed),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, required=True, help="the training_data folder")
    parser.add_argument("--current", type=Path, required=True, help="the model in use")
    parser.add_argument("--out", type=Path, required=True, help="where to write the candidate")
    parser.add_argument("--report", type=Path, required=True, help="evaluation JSON to write")
    args = parser.parse_args(argv)
    say(5, "loading training data")
    candidate = train(args.data)
    say(70, "candidate trained; loading the current model")
    current = load_model(args.current) if args.current.exists() else None
    report = evaluate(candidate, current, args.data)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    save_model(candidate, Path(args.out))
    args.report.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    say(100, "candidate ready to deploy")
    return 0


if __name__ == "__main__":
    sys.exit(main())
