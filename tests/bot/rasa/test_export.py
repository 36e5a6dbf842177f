"""``aftersales rasa export DIR``: the Rasa project declares every slot our actions read or set
(found in their source, so the domain cannot drift), every action, every intent, the entity
annotations, a rule per action and a jieba pipeline."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from bot.cli import cli
from bot.engine.runner import ACTIONS, SLOTS
from bot.rasa.slots import slots_in_actions
from handoff.config.settings import Settings
from handoff.config.yamlfile import load_yaml


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("rasa") / "assistant"
    result = CliRunner().invoke(cli, ["rasa", "export", str(target)], obj=Settings())
    assert result.exit_code == 0, result.output
    # Our 21 intents, and the compensation demand our engine spots by its words.
    assert "22 intents" in result.output
    return target


def read(project: Path, name: str) -> Any:
    return load_yaml(project / name)


def test_the_domain_declares_every_slot_the_actions_read_or_set(project: Path) -> None:
    used = slots_in_actions()
    # The ones a Rasa user had to find by reading bot/actions/*.py before the export existed.
    assert {"order_id", "phone", "locale", "requested_slot", "verified_order", "customer_name",
            "flow", "findings", "reasks"} <= used
    declared = set(read(project, "domain.yml")["slots"])
    assert used - declared == set()
    assert used - set(SLOTS) == set(), "the action server's tracker carries them too"


def test_the_domain_lists_every_action_and_a_rule_calls_each(project: Path) -> None:
    names = {action().name() for action in ACTIONS}
    assert set(read(project, "domain.yml")["actions"]) == names
    called = {step["action"] for rule in read(project, "data/rules.yml")["rules"]
              for step in rule["steps"] if "action" in step}
    assert called == names


def test_slots_the_customer_fills_come_from_entities_and_intents(project: Path) -> None:
    slots = read(project, "domain.yml")["slots"]
    assert slots["order_id"]["mappings"] == [{"type": "from_entity", "entity": "order_id"}]
    assert slots["phone"]["mappings"] == [{"type": "from_entity", "entity": "phone"}]
    flows = {m.get("intent"): m.get("value") for m in slots["flow"]["mappings"]}
    assert flows["order_status"] == "order_status" and flows["return_request"] == "return"


def test_nlu_data_keeps_every_locale_and_the_entity_annotations(project: Path) -> None:
    nlu = read(project, "data/nlu.yml")["nlu"]
    intents = {block["intent"]: block["examples"] for block in nlu if "intent" in block}
    assert set(intents) == set(read(project, "domain.yml")["intents"])
    assert "[2026110512345](order_id)" in intents["inform"]
    assert "](phone)" in intents["inform"]
    assert "我的订单到哪了" in intents["order_status"] or "订单" in intents["order_status"]
    assert {block["regex"] for block in nlu if "regex" in block} == {"order_id", "phone"}
    assert set(read(project, "domain.yml")["entities"]) == {"order_id", "phone"}


def test_config_uses_jieba_and_the_endpoint_points_at_our_action_server(project: Path) -> None:
    config = read(project, "config.yml")
    assert config["pipeline"][0]["name"] == "JiebaTokenizer"
    assert (project / "jieba" / "userdict.txt").exists()
    assert read(project, "endpoints.yml")["action_endpoint"]["url"].endswith("/webhook")


def test_a_compensation_demand_is_an_intent_of_its_own_for_rasa(project: Path) -> None:
    blocks = read(project, "data/nlu.yml")["nlu"]
    demands = next(b for b in blocks if b.get("intent") == "demand_compensation")
    assert "赔我 300" in demands["examples"] and "compensate" in demands["examples"]
