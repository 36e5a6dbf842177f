"""Fixtures for the NLU tests: small own data sets, a model trained once per session."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from nlu.config import TrainConfig, load_yaml
from nlu.data import load_examples
from nlu.model import NluModel
from nlu.sensitive import SensitiveMatcher

REPO = Path(__file__).resolve().parents[2]
DATA = Path(__file__).resolve().parent / "data"
LEXICON = REPO / "training_data" / "lexicons" / "sensitive.yml"
USERDICT = REPO / "training_data" / "jieba_userdict.txt"
TODAY = date(2026, 11, 25)  # a Wednesday


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return DATA


@pytest.fixture(scope="session")
def today() -> date:
    return TODAY


@pytest.fixture(scope="session")
def matcher() -> SensitiveMatcher:
    return SensitiveMatcher.from_file(LEXICON)


@pytest.fixture(scope="session")
def mini_model() -> NluModel:
    from nlu.training import train_model

    examples = load_examples([DATA / "mini.yml"])
    return train_model(
        examples,
        TrainConfig(),
        userdict=USERDICT.read_text(encoding="utf-8"),
        lexicon=load_yaml(LEXICON),
    )
