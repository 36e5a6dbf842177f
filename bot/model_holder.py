"""The NLU model in use, swappable while the bot runs (a trainer's Deploy), and training it
when the file is missing (the demo's first start)."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

import nlu
from nlu import save_model

if TYPE_CHECKING:
    from nlu import NluModel


class ModelHolder:
    """Holds the current model. ``swap`` replaces it atomically: a turn in progress keeps the
    model it started with, the next turn uses the new one, no conversation is dropped."""

    def __init__(self, model: NluModel | None, path: Path | None = None) -> None:
        self._lock = threading.Lock()
        self._model = model
        self.path = path

    @classmethod
    def load(cls, path: Path) -> ModelHolder:
        return cls(nlu.load_model(path), path)

    @classmethod
    def lazy(cls, path: Path) -> ModelHolder:
        """Loaded on first use: the standalone action server serves a Rasa assistant, which
        has its own NLU, so it starts (and runs every action) without our model file."""
        return cls(None, path)

    @property
    def model(self) -> NluModel:
        with self._lock:
            if self._model is None:
                if self.path is None:
                    raise FileNotFoundError("no NLU model loaded and no model file configured")
                self._model = nlu.load_model(self.path)
            return self._model

    def tokens(self, text: str) -> list[str]:
        """The current model's word segmentation (the FAQ matcher shares it)."""
        return self.model.tokenizer.tokens(text)

    def swap(self, model: NluModel, path: Path | None = None) -> None:
        with self._lock:
            self._model = model
            self.path = path or self.path


def train_model_file(training_data_dir: Path, out: Path) -> Path:
    """Train from ``training_data/`` (examples, config, jieba dict, lexicon) and save to ``out``."""
    from nlu.config import load_yaml
    from nlu.risk.data import load_risk_data
    from nlu.tokenize import read_userdict

    config = training_data_dir / "nlu_config.yml"
    userdict = training_data_dir / "jieba_userdict.txt"
    lexicon = training_data_dir / "lexicons" / "sensitive.yml"
    model = nlu.train_model(
        nlu.load_examples([training_data_dir / "nlu"]),
        nlu.load_config(config if config.exists() else None),
        userdict=read_userdict(userdict) if userdict.exists() else "",
        lexicon=load_yaml(lexicon) if lexicon.exists() else None,
        risk=load_risk_data(training_data_dir / "risk"),
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    save_model(model, Path(out))
    return out


def ensure_model_file(training_data_dir: Path, path: Path) -> bool:
    """Train the model when ``path`` does not exist; True when it trained."""
    if path.exists():
        return False
    train_model_file(training_data_dir, path)
    return True
