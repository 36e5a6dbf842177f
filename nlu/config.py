"""Training configuration (``training_data/nlu_config.yml``) as frozen dataclasses."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from nlu.features import FeatureParams


class ConfigError(ValueError):
    """The NLU configuration file is missing or invalid."""


@dataclass(frozen=True)
class TokenizerParams:
    """Word segmentation: how much of jieba's dictionary the model keeps.

    ``dictionary_min_freq``: keep jieba words at least this frequent plus every word
    the training data is segmented into; 0 keeps jieba's full dictionary.
    """

    dictionary_min_freq: int = 100


@dataclass(frozen=True)
class ClassifierParams:
    """Linear classifier and its probability calibration."""

    kind: str = "linearsvc"  # linearsvc | logreg | sgd
    C: float = 2.0
    alpha: float = 1e-4  # sgd only
    calibration: str = "temperature"  # temperature | sigmoid | none (logreg only)
    calibration_folds: int = 3
    class_weight: str | None = None
    max_iter: int = 5000


@dataclass(frozen=True)
class FallbackParams:
    """Rasa-style fallback: below ``threshold`` the intent becomes ``intent``.

    ``threshold: None`` means "tune on out-of-fold scores at training time".
    """

    intent: str = "out_of_scope"
    threshold: float | None = None
    tuning_folds: int = 5
    grid_step: float = 0.01
    grid_max: float = 0.9


@dataclass(frozen=True)
class TrainConfig:
    """Everything ``train_model`` needs besides the examples."""

    tokenizer: TokenizerParams = field(default_factory=TokenizerParams)
    features: FeatureParams = field(default_factory=FeatureParams)
    classifier: ClassifierParams = field(default_factory=ClassifierParams)
    fallback: FallbackParams = field(default_factory=FallbackParams)
    entities: dict[str, Any] = field(default_factory=dict)
    seed: int = 0

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (stored in the model metadata): tuples become lists."""
        return json.loads(json.dumps(asdict(self)))


def _section(cls: type, raw: Any, name: str) -> Any:
    if raw is None:
        return cls()
    if not isinstance(raw, dict):
        raise ConfigError(f"section '{name}' must be a mapping")
    known = {f.name for f in fields(cls)}
    unknown = set(raw) - known
    if unknown:
        raise ConfigError(f"section '{name}': unknown keys {sorted(unknown)}")
    values = {k: tuple(v) if isinstance(v, list) else v for k, v in raw.items()}
    try:
        return cls(**values)
    except TypeError as exc:
        raise ConfigError(f"section '{name}': {exc}") from exc


def config_from_mapping(raw: dict[str, Any]) -> TrainConfig:
    """Build a ``TrainConfig`` from a parsed YAML mapping (missing keys → defaults)."""
    entities = raw.get("entities") or {}
    if not isinstance(entities, dict):
        raise ConfigError("section 'entities' must be a mapping")
    return TrainConfig(
        tokenizer=_section(TokenizerParams, raw.get("tokenizer"), "tokenizer"),
        features=_section(FeatureParams, raw.get("features"), "features"),
        classifier=_section(ClassifierParams, raw.get("classifier"), "classifier"),
        fallback=_section(FallbackParams, raw.get("fallback"), "fallback"),
        entities=dict(entities),
        seed=int(raw.get("seed", 0)),
    )


def load_yaml(path: Path) -> Any:
    """Parse a YAML file safely (no object construction)."""
    try:
        with path.open(encoding="utf-8") as fh:
            return YAML(typ="safe", pure=True).load(fh)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from exc
    except YAMLError as exc:
        raise ConfigError(f"{path}: invalid YAML: {exc}") from exc


def load_config(path: Path | str | None) -> TrainConfig:
    """Load ``nlu_config.yml``; ``None`` gives the built-in defaults."""
    if path is None:
        return TrainConfig()
    raw = load_yaml(Path(path)) or {}
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: top level must be a mapping")
    try:
        return config_from_mapping(raw)
    except ConfigError as exc:
        raise ConfigError(f"{path}: {exc}") from exc
