"""The conversation suite (``training_data/tests/conversations/``): every conversation, run on
a fresh store with the demo orders, is one test; a failure prints its transcript. The same
files run with ``aftersales test conversations``."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from bot.conversations.runner import ConversationRunner
from bot.conversations.script import CLASSES, Conversation, load_conversations
from bot.model_holder import ModelHolder
from handoff.config.paths import default_training_data_dir
from handoff.config.settings import Settings

SUITE_DIR = default_training_data_dir() / "tests" / "conversations"
SUITE = load_conversations([SUITE_DIR])


@pytest.fixture(scope="module")
def runner(tmp_path_factory: pytest.TempPathFactory, models: ModelHolder,
           nlu_model_path: Path) -> ConversationRunner:
    workdir = tmp_path_factory.mktemp("conversations")
    settings = Settings(var_dir=workdir / "var", nlu_model=nlu_model_path)
    return ConversationRunner(settings, models, workdir)


@pytest.mark.parametrize("conversation", SUITE, ids=[f"{c.locale}-{c.kind}-{c.source}"
                                                     for c in SUITE])
def test_conversation(runner: ConversationRunner, conversation: Conversation) -> None:
    outcome = runner.run(conversation, SUITE.index(conversation))
    assert outcome.passed, "\n".join((conversation.name, *outcome.transcript,
                                      *outcome.problems))


def test_every_conversation_names_a_known_class_and_locale() -> None:
    assert {c.kind for c in SUITE} <= set(CLASSES)
    assert {c.locale for c in SUITE} <= {"zh-Hans", "zh-Hant", "en"}
    assert Counter(c.locale for c in SUITE)  # the suite is not empty
