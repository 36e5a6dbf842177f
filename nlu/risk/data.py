"""Risk training data and settings, read from ``training_data/risk/``.

* ``<locale>.yml``: ``examples: {<category>: [text, ...]}`` per locale; the categories are
  ``legal``, ``media``, ``regulator``, ``safety`` and ``none`` (hard negatives: a listed
  word about the customer themself, with no grievance, a programme or product name, a
  quotation of someone else, and ordinary after-sales messages).
* ``reviewed_<category>.yml``: messages a trainer relabelled in the console (appended).
* ``thresholds.yml``: per-category thresholds, the lexicon veto and the classifier.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from nlu.config import ClassifierParams, ConfigError, load_yaml
from nlu.features import FeatureParams

RISK_CATEGORIES = ("legal", "media", "regulator", "safety")
NONE = "none"
LABELS = (*RISK_CATEGORIES, NONE)
LOCALES = ("zh-Hans", "zh-Hant", "en")


@dataclass(frozen=True)
class RiskExample:
    """One labelled message (``label`` is a risk category or ``none``)."""

    text: str
    label: str
    locale: str
    source: str


@dataclass(frozen=True)
class RiskSettings:
    """``thresholds.yml``: when a category fires, and how the classifier is built."""

    thresholds: Mapping[str, float]
    lexicon_veto: float = 0.9
    clauses: bool = True
    negative_intents: tuple[str, ...] = ()
    negatives_every: int = 4
    features: FeatureParams = field(default_factory=FeatureParams)
    classifier: ClassifierParams = field(default_factory=ClassifierParams)

    def to_dict(self) -> dict[str, Any]:
        """JSON form stored in the model file (features and classifier are metadata)."""
        return {"thresholds": dict(self.thresholds), "lexicon_veto": self.lexicon_veto,
                "clauses": self.clauses}


def load_settings(path: Path) -> RiskSettings:
    """Read ``thresholds.yml``; every category needs a threshold in (0, 1]."""
    raw = load_yaml(path) or {}
    thresholds = raw.get("thresholds") if isinstance(raw, dict) else None
    if not isinstance(thresholds, dict) or set(thresholds) != set(RISK_CATEGORIES):
        raise ConfigError(f"{path}: 'thresholds' must give {', '.join(RISK_CATEGORIES)}")
    if not all(0 < float(v) <= 1 for v in thresholds.values()):
        raise ConfigError(f"{path}: thresholds must lie in (0, 1]")
    features: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v
                                for k, v in (raw.get("features") or {}).items()}
    negatives = raw.get("intent_negatives") or {}
    try:
        return RiskSettings(
            {k: float(v) for k, v in thresholds.items()},
            lexicon_veto=float(raw.get("lexicon_veto", 0.9)),
            clauses=bool(raw.get("clauses", True)),
            negative_intents=tuple(negatives.get("intents") or ()),
            negatives_every=int(negatives.get("every", 4)),
            features=FeatureParams(**features),
            classifier=ClassifierParams(**(raw.get("classifier") or {})))
    except TypeError as exc:
        raise ConfigError(f"{path}: {exc}") from exc


def _locale_file(path: Path) -> list[RiskExample]:
    raw = load_yaml(path) or {}
    locale = str(raw.get("locale", path.stem))
    examples = raw.get("examples")
    if locale not in LOCALES or not isinstance(examples, dict):
        raise ConfigError(f"{path}: needs 'locale' (one of {LOCALES}) and an 'examples' mapping")
    unknown = set(examples) - set(LABELS)
    if unknown:
        raise ConfigError(f"{path}: unknown categories {sorted(unknown)}")
    return [RiskExample(str(t), label, locale, path.name)
            for label, texts in examples.items() for t in texts or ()]


def _reviewed_file(path: Path) -> list[RiskExample]:
    label = path.stem.removeprefix("reviewed_")
    if label not in LABELS:
        raise ConfigError(f"{path}: '{label}' is not a risk category or 'none'")
    raw = load_yaml(path) or {}
    return [RiskExample(str(e["text"]), label, str(e.get("locale", "")), path.name)
            for e in raw.get("examples") or ()]


def load_risk_examples(directory: Path) -> list[RiskExample]:
    """Every example of the folder: the locale files, then the reviewed relabels."""
    examples = [e for loc in LOCALES if (directory / f"{loc}.yml").exists()
                for e in _locale_file(directory / f"{loc}.yml")]
    for path in sorted(directory.glob("reviewed_*.yml")):
        examples.extend(_reviewed_file(path))
    return examples


def append_review(directory: Path, text: str, label: str, locale: str, reviewer: str) -> Path:
    """Append a trainer's relabel to ``reviewed_<label>.yml`` (created when missing)."""
    if label not in LABELS:
        raise ValueError(f"unknown risk label {label!r}")
    path = directory / f"reviewed_{label}.yml"
    yaml = YAML()
    data = yaml.load(path.read_text(encoding="utf-8")) if path.exists() else None
    data = data or {"examples": []}
    data["examples"].append({"text": text, "locale": locale, "reviewer": reviewer,
                             "at": datetime.now(UTC).isoformat(timespec="seconds")})
    directory.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        yaml.dump(data, fh)
    return path


@dataclass(frozen=True)
class RiskData:
    """What training the risk classifier needs: the examples and the settings."""

    examples: tuple[RiskExample, ...]
    settings: RiskSettings


def load_risk_data(directory: Path) -> RiskData | None:
    """The folder's examples and ``thresholds.yml``; None when the folder has no settings."""
    settings = directory / "thresholds.yml"
    if not settings.exists():
        return None
    loaded = load_settings(settings)
    examples = load_risk_examples(directory) + intent_negatives(directory.parent / "nlu", loaded)
    return RiskData(tuple(examples), loaded)


def intent_negatives(nlu_dir: Path, settings: RiskSettings) -> list[RiskExample]:
    """Every n-th example of the configured intents, labelled ``none``."""
    if not settings.negative_intents or not nlu_dir.exists():
        return []
    from nlu.data import load_examples
    from nlu.normalize import normalize
    from nlu.sensitive import SensitiveMatcher

    lexicon = nlu_dir.parent / "lexicons" / "sensitive.yml"
    # An intent example with a listed word may be a threat ("我要投诉到12315"): not a negative.
    matcher = SensitiveMatcher.from_file(lexicon) if lexicon.exists() else None
    wanted = set(settings.negative_intents)
    chosen = [e for e in load_examples([nlu_dir]) if e.intent in wanted
              and not (matcher and matcher.find(e.text))]
    step = max(settings.negatives_every, 1)
    by_intent: dict[str, int] = {}
    out = []
    for e in chosen:
        by_intent[e.intent] = by_intent.get(e.intent, 0) + 1
        if by_intent[e.intent] % step == 0:
            out.append(RiskExample(e.text, NONE, normalize(e.text).language, f"nlu:{e.intent}"))
    return out
