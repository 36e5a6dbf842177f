"""No reply in a compensation conversation ever names an amount above the compensation matrix
(training_data/policies/compensation.yml) for its currency: every bot reply of the
``compensation.yml`` conversations of every locale is scanned for currency amounts ("¥20",
"NT$100", "US$10", "300块"). FAQ answers elsewhere quote bigger sums (NT$20,000 for a tax
question), so only these conversations are scanned."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.conversations.runner import ConversationRunner
from bot.conversations.script import Conversation, load_conversations
from bot.model_holder import ModelHolder
from bot.policy.compensation import CompensationMatrix, load_compensation
from handoff.config.paths import default_training_data_dir
from handoff.config.settings import Settings

DATA = default_training_data_dir()
FILES = sorted((DATA / "tests" / "conversations").glob("*/compensation.yml"))
CONVERSATIONS = load_conversations(FILES)


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory, nlu_model_path: Path) -> Settings:
    return Settings(var_dir=tmp_path_factory.mktemp("compensation") / "var",
                    nlu_model=nlu_model_path)


@pytest.fixture(scope="module")
def runner(settings: Settings, models: ModelHolder) -> ConversationRunner:
    return ConversationRunner(settings, models, settings.var_dir.parent / "runs")


@pytest.fixture(scope="module")
def matrix() -> CompensationMatrix:
    return load_compensation(DATA / "policies" / "compensation.yml")


def test_every_locale_has_compensation_conversations() -> None:
    assert {c.locale for c in CONVERSATIONS} == {"zh-Hans", "zh-Hant", "en"}
    for locale in ("zh-Hans", "zh-Hant", "en"):
        assert len([c for c in CONVERSATIONS if c.locale == locale]) >= 3


@pytest.mark.parametrize("conversation", CONVERSATIONS,
                         ids=[f"{c.locale}-{c.source}" for c in CONVERSATIONS])
def test_no_reply_names_an_amount_above_the_matrix(
        runner: ConversationRunner, settings: Settings, matrix: CompensationMatrix,
        conversation: Conversation) -> None:
    outcome = runner.run(conversation, CONVERSATIONS.index(conversation))
    replies = [line for line in outcome.transcript if line.startswith("bot: ")]
    assert replies
    for reply in replies:  # a bare 元 / 块 in a reply is read as the shop's currency
        for amount in matrix.amounts.marked(reply, settings.currency):
            assert amount.amount is not None
            assert amount.amount <= matrix.highest(amount.currency), (
                f"{amount.amount} {amount.currency} is above the matrix in: {reply}")


def test_the_scan_would_catch_a_promise_above_the_matrix(matrix: CompensationMatrix) -> None:
    """The scan is not vacuous: the customer's numbers, said back, are caught."""
    for said, currency in (("我可以赔您 300 元", "CNY"), ("補償您 NT$500", "TWD"),
                           ("we'll give you US$50 credit", "USD")):
        amounts = matrix.amounts.marked(said, currency)
        assert amounts and any(a.amount is not None and a.amount > matrix.highest(a.currency)
                               for a in amounts)
