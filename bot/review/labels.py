"""Relabels: Rasa NLU examples in ``reviewed.yml`` plus a JSON note of what was reviewed.

The YAML file is the training data (committed with the rest of ``training_data/nlu``); the JSON
state under ``var/`` only remembers which stored messages a trainer already handled, so they leave
the review queue. Both files are replaced atomically, under one lock, so a crash never leaves a
half-written file and two trainers saving at once do not lose a label.
"""

from __future__ import annotations

import json
import os
import threading
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.scalarstring import LiteralScalarString

from nlu.data import Example, load_rasa_yaml

REVIEWED_FILE = "reviewed.yml"
_LOCK = threading.Lock()


class LabelError(ValueError):
    """A relabel names an intent the model does not know, or has no text."""


@dataclass(frozen=True)
class Relabel:
    """A trainer's decision on one message: its intent, or ``None`` to dismiss it."""

    message_id: int
    text: str
    intent: str | None
    by: str
    at: datetime


class ReviewStore:
    """Reads and writes the relabels of one training-data folder and one var folder."""

    def __init__(self, nlu_data_dir: Path, state_dir: Path) -> None:
        self.yaml_path = nlu_data_dir / REVIEWED_FILE
        self.state_path = state_dir / "state.json"

    def reviewed_ids(self) -> set[int]:
        """Message ids a trainer already labelled or dismissed."""
        return {int(k) for k in self._state().get("reviewed", {})}

    def examples(self) -> list[Example]:
        """The examples in ``reviewed.yml`` (empty when there are none yet)."""
        return load_rasa_yaml(self.yaml_path) if self.yaml_path.exists() else []

    def record(self, relabel: Relabel, known_intents: set[str]) -> None:
        """Store one decision; a second decision on the same message replaces the first."""
        text = " ".join(relabel.text.split())
        if relabel.intent is not None and relabel.intent not in known_intents:
            raise LabelError(f"unknown intent {relabel.intent!r}")
        if not text:
            raise LabelError("the message has no text to learn from")
        with _LOCK:
            state = self._state()
            previous = state.setdefault("reviewed", {}).get(str(relabel.message_id))
            examples = [e for e in self.examples() if not _same(e, previous)]
            if relabel.intent is not None:
                examples.append(Example(text, relabel.intent))
            state["reviewed"][str(relabel.message_id)] = {
                "intent": relabel.intent, "text": text, "by": relabel.by,
                "at": relabel.at.isoformat(timespec="seconds"),
            }
            self._write_yaml(examples)
            _write_atomic(self.state_path, json.dumps(state, ensure_ascii=False, indent=1))

    def _state(self) -> dict[str, Any]:
        if not self.state_path.exists():
            return {}
        data = json.loads(self.state_path.read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}

    def _write_yaml(self, examples: list[Example]) -> None:
        by_intent: dict[str, list[str]] = defaultdict(list)
        for example in examples:
            if example.text not in by_intent[example.intent]:
                by_intent[example.intent].append(example.text)
        document = {
            "version": "3.1",
            "nlu": [
                {"intent": intent, "examples": LiteralScalarString(
                    "".join(f"- {text}\n" for text in texts))}
                for intent, texts in sorted(by_intent.items())
            ],
        }
        yaml = YAML()
        yaml.width = 4096
        with _atomic_writer(self.yaml_path) as handle:
            handle.write("# Relabelled customer messages (written by the review loop; editable).\n")
            yaml.dump(document, handle)


def _same(example: Example, previous: dict[str, Any] | None) -> bool:
    if not previous:
        return False
    return example.intent == previous.get("intent") and example.text == previous.get("text")


class _atomic_writer:
    """Write to a temporary file beside ``path`` and move it into place on success."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")

    def __enter__(self) -> Any:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.handle = self.tmp.open("w", encoding="utf-8")
        return self.handle

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        self.handle.close()
        if exc_type is None:
            os.replace(self.tmp, self.path)
        else:
            self.tmp.unlink(missing_ok=True)


def _write_atomic(path: Path, text: str) -> None:
    with _atomic_writer(path) as handle:
        handle.write(text)
