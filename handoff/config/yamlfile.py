"""Reading the YAML tables under training_data/ with errors that name the file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError


class ConfigFileError(ValueError):
    """A configuration table is missing or malformed; the message names the file and why."""


def load_yaml(path: Path) -> Any:
    """Parse a YAML file safely (no object construction)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigFileError(f"{path}: cannot read ({exc.strerror})") from exc
    try:
        return YAML(typ="safe").load(text)
    except YAMLError as exc:
        raise ConfigFileError(f"{path}: not valid YAML: {exc}") from exc
