"""Writing the Rasa 3.x project: ``domain.yml``, ``data/nlu.yml`` (every locale's examples with
their ``[value](entity)`` annotations, plus the entity regexes), ``data/rules.yml``,
``config.yml`` (jieba pipeline, from ``training_data/integrations/rasa.yml``),
``endpoints.yml`` (our action server) and the jieba dictionary."""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from io import StringIO
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.scalarstring import LiteralScalarString

from bot.policy.faq_file import load_faq_tables
from bot.rasa.domain import domain, rules
from handoff.config.replies import LOCALES
from handoff.config.yamlfile import load_yaml

_ENTITY = re.compile(r"\]\((\w+)\)")


@dataclass(frozen=True)
class Exported:
    intents: int
    examples: int
    slots: int
    rules: int


def export_project(training_data: Path, target: Path) -> Exported:
    examples = _examples(training_data / "nlu")
    # Our engine spots a compensation demand by its words (policies/compensation.yml), not by
    # an intent; a Rasa assistant needs one, so its examples are made from those words.
    examples[COMPENSATION_INTENT] = _demands(training_data / "policies" / "compensation.yml")
    intents = sorted(examples)
    entities = sorted({e for lines in examples.values() for line in lines
                       for e in _ENTITY.findall(line)})
    spec = load_yaml(training_data / "integrations" / "rasa.yml")
    faq = load_faq_tables(training_data / "faq.yml", LOCALES)
    found_rules = rules(intents, frozenset(faq.generic))
    the_domain = domain(intents, entities)
    (target / "data").mkdir(parents=True, exist_ok=True)
    _dump(target / "domain.yml", the_domain)
    _dump(target / "data" / "nlu.yml", _nlu(examples, spec.get("regexes") or {}))
    _dump(target / "data" / "rules.yml", {"version": "3.1", "rules": found_rules})
    _dump(target / "config.yml", spec["config"])
    _dump(target / "endpoints.yml", {"action_endpoint": {"url": spec["action_endpoint"]}})
    (target / "jieba").mkdir(exist_ok=True)
    userdict = training_data / "jieba_userdict.txt"
    if userdict.exists():
        shutil.copy(userdict, target / "jieba" / "userdict.txt")
    return Exported(len(intents), sum(map(len, examples.values())),
                    len(the_domain["slots"]), len(found_rules))


COMPENSATION_INTENT = "demand_compensation"


def _demands(path: Path) -> list[str]:
    """Example demands: each demand word alone and with an amount ("赔我 300", "compensate 50")."""
    words = (load_yaml(path) or {}).get("demand_words") or {}
    return [text for by_locale in words.values() for word in by_locale
            for text in (str(word), f"{word} 300", f"I want 50 {word}" if str(word).isascii()
                         else f"{word}50块")]


def _examples(nlu_dir: Path) -> dict[str, list[str]]:
    """Every locale's examples per intent (same intent names in each file)."""
    merged: dict[str, list[str]] = {}
    for path in sorted(nlu_dir.glob("*.yml")):
        for block in (load_yaml(path) or {}).get("nlu") or []:
            if "intent" not in block:
                continue
            lines = [line.strip()[2:].strip() for line in str(block["examples"]).splitlines()
                     if line.strip().startswith("- ")]
            merged.setdefault(str(block["intent"]), []).extend(lines)
    return merged


def _nlu(examples: dict[str, list[str]], regexes: dict[str, str]) -> dict[str, Any]:
    blocks: list[dict[str, Any]] = [
        {"intent": intent, "examples": _listing(dict.fromkeys(lines))}
        for intent, lines in sorted(examples.items())]
    blocks += [{"regex": name, "examples": _listing([pattern])}
               for name, pattern in sorted(regexes.items())]
    return {"version": "3.1", "nlu": blocks}


def _listing(lines: Any) -> LiteralScalarString:
    return LiteralScalarString("".join(f"- {line}\n" for line in lines))


def _dump(path: Path, data: Any) -> None:
    yaml = YAML()
    yaml.default_flow_style = False
    yaml.allow_unicode = True
    yaml.width = 4096
    buffer = StringIO()
    yaml.dump(data, buffer)
    path.write_text(buffer.getvalue(), encoding="utf-8")
