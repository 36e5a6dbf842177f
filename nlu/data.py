"""Loading training examples from Rasa NLU YAML folders/files and CSV/TSV files.

Every problem is reported as a ``DataError`` naming the file, the line and the reason,
so a trainer can fix the data without reading a traceback.
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError

# Rasa entity annotations: [text](entity), [text]{"entity": ...}
_ANNOTATION = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})")
YAML_SUFFIXES = (".yml", ".yaml")
TABLE_SUFFIXES = (".csv", ".tsv")
_RASA_OTHER_KEYS = {"synonym", "regex", "lookup"}


class DataError(ValueError):
    """A training file is missing or malformed."""

    def __init__(self, path: Path | str, line: int | None, reason: str) -> None:
        self.path, self.line, self.reason = Path(path), line, reason
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"{where}: {reason}")


@dataclass(frozen=True)
class Example:
    """One labelled message with where it came from."""

    text: str
    intent: str
    source: str = ""
    line: int = 0


def strip_annotations(text: str) -> str:
    """Remove Rasa entity markup, keeping the annotated text."""
    return _ANNOTATION.sub(r"\1", text)


def _yaml_examples(path: Path, item: Any, index: int) -> list[Example]:
    line = item.lc.line + 1 if hasattr(item, "lc") else None
    intent = item.get("intent")
    if not isinstance(intent, str) or not intent.strip():
        raise DataError(path, line, f"nlu item {index + 1} has no 'intent' name")
    block = item.get("examples")
    if not isinstance(block, str):
        raise DataError(path, line, f"intent '{intent}' has no 'examples' block")
    start = item.lc.value("examples")[0] + 2 if hasattr(item, "lc") else 0
    examples = []
    for offset, raw in enumerate(block.splitlines()):
        stripped = raw.strip()
        if not stripped:
            continue
        if not stripped.startswith("- "):
            reason = f"intent '{intent}': example line must start with '- ', got {stripped[:40]!r}"
            raise DataError(path, start + offset or line, reason)
        text = strip_annotations(stripped[2:].strip())
        if text:
            examples.append(Example(text, intent.strip(), str(path), start + offset))
    return examples


def _line_of(node: Any, key: str) -> int | None:
    """1-based line of a key in a round-trip YAML mapping (None for plain dicts)."""
    lc = getattr(node, "lc", None)
    return int(lc.key(key)[0]) + 1 if lc is not None else None


def load_rasa_yaml(path: Path) -> list[Example]:
    """Examples of the ``nlu:`` section of one Rasa YAML file (other keys ignored)."""
    try:
        with path.open(encoding="utf-8") as fh:
            doc = YAML(typ="rt").load(fh)
    except OSError as exc:
        raise DataError(path, None, f"cannot read: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise DataError(path, None, f"not UTF-8 text ({exc.reason})") from exc
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise DataError(
            path, mark.line + 1 if mark else None, f"invalid YAML: {exc.problem}"
        ) from exc
    except YAMLError as exc:
        raise DataError(path, None, f"invalid YAML: {exc}") from exc
    if doc is None:
        return []
    if not isinstance(doc, dict):
        raise DataError(path, 1, "top level must be a mapping with an 'nlu' list")
    items = doc.get("nlu") or []
    if not isinstance(items, list):
        raise DataError(path, _line_of(doc, "nlu"), "'nlu' must be a list")
    examples: list[Example] = []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            raise DataError(path, None, f"nlu item {index + 1} is not a mapping")
        # synonym / regex / lookup items are valid Rasa data that an intent model ignores
        if "intent" in item or not _RASA_OTHER_KEYS & set(item):
            examples.extend(_yaml_examples(path, item, index))
    return examples


def load_table(path: Path) -> list[Example]:
    """Examples from a CSV/TSV file with ``text`` and ``intent`` header columns."""
    delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.reader(fh, delimiter=delimiter))
    except OSError as exc:
        raise DataError(path, None, f"cannot read: {exc.strerror}") from exc
    except (UnicodeDecodeError, csv.Error) as exc:
        raise DataError(path, None, f"unreadable table: {exc}") from exc
    if not rows:
        raise DataError(path, 1, "empty file: expected a header with 'text' and 'intent'")
    header = [h.strip().lower() for h in rows[0]]
    if "text" not in header or "intent" not in header:
        raise DataError(path, 1, f"header must name 'text' and 'intent' columns, got {rows[0]}")
    ti, ii = header.index("text"), header.index("intent")
    examples = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) <= max(ti, ii):
            raise DataError(path, number, f"expected {len(header)} columns, got {len(row)}")
        text, intent = row[ti].strip(), row[ii].strip()
        if not text or not intent:
            raise DataError(path, number, "empty 'text' or 'intent'")
        examples.append(Example(text, intent, str(path), number))
    return examples


def _files(path: Path) -> list[Path]:
    if path.is_dir():
        found = [p for p in sorted(path.rglob("*")) if p.suffix.lower() in YAML_SUFFIXES]
        if not found:
            raise DataError(path, None, "folder holds no Rasa YAML (.yml/.yaml) files")
        return found
    if not path.exists():
        raise DataError(path, None, "no such file or folder")
    if path.suffix.lower() not in YAML_SUFFIXES + TABLE_SUFFIXES:
        raise DataError(path, None, "unsupported file type (use .yml/.yaml, .csv or .tsv)")
    return [path]


def load_examples(paths: Iterable[Path | str]) -> list[Example]:
    """Load and concatenate the examples of every path (folder, YAML, CSV or TSV)."""
    examples: list[Example] = []
    for path in map(Path, paths):
        for file in _files(path):
            loader = load_table if file.suffix.lower() in TABLE_SUFFIXES else load_rasa_yaml
            examples.extend(loader(file))
    if not examples:
        raise DataError(", ".join(map(str, paths)), None, "no training examples found")
    return examples


def data_hash(examples: Sequence[Example]) -> str:
    """SHA-256 over the sorted (intent, text) pairs: same data → same hash."""
    digest = hashlib.sha256()
    for intent, text in sorted((e.intent, e.text) for e in examples):
        digest.update(f"{intent}\t{text}\n".encode())
    return digest.hexdigest()
