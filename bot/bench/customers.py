"""The simulated customer mix (training_data/bench/customers.yml) as frozen values."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from handoff.config.yamlfile import load_yaml


@dataclass(frozen=True)
class Turn:
    """One customer message: text, or a photo with ``text`` as its caption."""

    text: str
    photo: bool = False


@dataclass(frozen=True)
class Script:
    """One kind of customer: their turns, and whether an agent takes the case over."""

    name: str
    weight: int
    turns: tuple[Turn, ...]
    agent: bool = False
    after_agent: tuple[Turn, ...] = ()


def _turns(raw: list[dict[str, Any]] | None) -> tuple[Turn, ...]:
    return tuple(Turn(str(t.get("text") or ""), bool(t.get("photo"))) for t in raw or [])


def load_scripts(path: Path) -> tuple[Script, ...]:
    """Every script of the file; a script without turns is refused."""
    scripts = []
    for raw in (load_yaml(path) or {}).get("customers", []):
        script = Script(str(raw["name"]), int(raw.get("weight", 1)), _turns(raw.get("turns")),
                        bool(raw.get("agent")), _turns(raw.get("after_agent")))
        if not script.turns or script.weight < 1:
            raise ValueError(f"{path}: customer {script.name!r} needs turns and a weight >= 1")
        scripts.append(script)
    if not scripts:
        raise ValueError(f"{path}: no customers")
    return tuple(scripts)


def mix(scripts: tuple[Script, ...], seed: int) -> Iterator[Script]:
    """An endless, seeded, weighted sequence of scripts (each customer gets its own seed)."""
    rng = random.Random(seed)
    weights = [s.weight for s in scripts]
    while True:
        yield rng.choices(scripts, weights)[0]
