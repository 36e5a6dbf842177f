"""Safe model files: one ``.npz`` (zip of plain numeric arrays) with a JSON header.

Nothing in the file is ever executed or unpickled: arrays load with
``allow_pickle=False`` and the header is JSON. A file that is not a model of this
format (corrupted, truncated, a pickle, another npz) raises ``ModelLoadError``.
"""

from __future__ import annotations

import json
import os
import tempfile
import zipfile
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np

from nlu.config import ConfigError
from nlu.features import FeatureBlock, FeatureParams, FeatureSpace
from nlu.model import NluModel
from nlu.risk.store import risk_arrays, risk_from, risk_header
from nlu.scorer import LinearScorer
from nlu.sensitive import SensitiveMatcher
from nlu.tokenize import Dictionary, Tokenizer

FORMAT = "aftersales-nlu"
FORMAT_VERSION = 2
# Version 1 files have no "dictionary" entry: they segment with jieba's full dictionary.
READABLE_VERSIONS = (1, 2)


class ModelLoadError(RuntimeError):
    """The model file is missing, corrupted or not a model of this format."""


def _header(model: NluModel) -> dict[str, Any]:
    blocks = []
    for block in model.features.blocks:
        vocab = sorted(block.vocabulary, key=block.vocabulary.__getitem__)
        blocks.append({"name": block.name, "offset": block.offset, "vocabulary": vocab})
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "classes": list(model.scorer.classes),
        "method": model.scorer.method,
        "feature_params": asdict(model.features.params),
        "blocks": blocks,
        "threshold": model.threshold,
        "fallback_intent": model.fallback_intent,
        "userdict": model.tokenizer.userdict,
        "hmm": model.tokenizer.hmm,
        "dictionary": _dictionary_header(model.tokenizer.dictionary),
        "lexicon": model.sensitive.lexicon,
        "entity_config": model.entity_config,
        "metadata": model.metadata,
        "risk": risk_header(model.risk) if model.risk else None,
    }


def _dictionary_header(dictionary: Dictionary | None) -> dict[str, Any] | None:
    # Words in the JSON header, their frequencies in the "dict_freq" array (same order).
    if dictionary is None:
        return None
    return {"words": list(dictionary.freq), "total": dictionary.total}


def _dictionary(header: dict[str, Any], arrays: dict[str, np.ndarray]) -> Dictionary | None:
    raw = header.get("dictionary")
    if raw is None:
        return None
    words, freqs = raw["words"], arrays["dict_freq"]
    if len(words) != freqs.shape[0]:
        raise ModelLoadError("dictionary words and frequencies differ in length")
    return Dictionary(dict(zip(words, freqs.tolist(), strict=True)), int(raw["total"]))


def save_model(model: NluModel, path: Path) -> None:
    """Write atomically (temp file + rename) so a crash never leaves half a model."""
    header = json.dumps(_header(model), ensure_ascii=False).encode("utf-8")
    arrays = {
        "header": np.frombuffer(header, dtype=np.uint8),
        "coef": model.scorer.coef,
        "intercept": model.scorer.intercept,
        "calib_a": model.scorer.a,
        "calib_b": model.scorer.b,
    }
    for i, block in enumerate(model.features.blocks):
        arrays[f"idf_{i}"] = block.idf
    if model.tokenizer.dictionary is not None:
        arrays["dict_freq"] = np.fromiter(model.tokenizer.dictionary.freq.values(), dtype=np.int64)
    if model.risk is not None:
        arrays.update(risk_arrays(model.risk))
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            np.savez_compressed(fh, **arrays)  # type: ignore[arg-type]
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _read(path: Path) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    if not path.is_file():
        raise ModelLoadError(
            f"{path}: model file not found (train one with `aftersales nlu train`)"
        )
    try:
        with path.open("rb") as fh:
            loaded = np.load(fh, allow_pickle=False)
            if not isinstance(loaded, np.lib.npyio.NpzFile):
                raise ModelLoadError(f"{path}: not an {FORMAT} model file (plain array)")
            with loaded as npz:
                arrays = {name: npz[name] for name in npz.files}
        header = json.loads(bytes(arrays.pop("header")).decode("utf-8"))
    except (zipfile.BadZipFile, ValueError, KeyError, OSError, EOFError, UnicodeDecodeError) as exc:
        raise ModelLoadError(
            f"{path}: not a readable NLU model file ({type(exc).__name__}: {exc})"
        ) from exc
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise ModelLoadError(f"{path}: not an {FORMAT} model file")
    if header.get("format_version") not in READABLE_VERSIONS:
        raise ModelLoadError(
            f"{path}: model format version {header.get('format_version')} is not supported"
        )
    return header, arrays


def _build(header: dict[str, Any], arrays: dict[str, np.ndarray]) -> NluModel:
    params_raw: dict[str, Any] = {
        k: tuple(v) if isinstance(v, list) else v for k, v in header["feature_params"].items()
    }
    params = FeatureParams(**params_raw)
    blocks = [
        FeatureBlock(
            b["name"],
            {w: i for i, w in enumerate(b["vocabulary"])},
            arrays[f"idf_{n}"],
            b["offset"],
        )
        for n, b in enumerate(header["blocks"])
    ]
    features = FeatureSpace(params, blocks)
    classes = tuple(header["classes"])
    scorer = LinearScorer(
        classes,
        arrays["coef"],
        arrays["intercept"],
        header["method"],
        arrays["calib_a"],
        arrays["calib_b"],
    )
    n_cols = 1 if len(classes) == 2 else len(classes)
    if scorer.coef.shape != (features.n_features, n_cols) or scorer.intercept.shape != (n_cols,):
        raise ModelLoadError("array shapes do not match the vocabulary and classes")
    tokenizer = Tokenizer(
        header["userdict"], hmm=bool(header["hmm"]), dictionary=_dictionary(header, arrays)
    )
    return NluModel(
        tokenizer=tokenizer,
        features=features,
        scorer=scorer,
        sensitive=SensitiveMatcher(header["lexicon"]),
        entity_config=header["entity_config"],
        threshold=float(header["threshold"]),
        fallback_intent=str(header["fallback_intent"]),
        metadata=header["metadata"],
        risk=risk_from(header, arrays, tokenizer),
    )


def load_model(path: Path | str) -> NluModel:
    """Load a model file written by ``NluModel.save``; never executes code from it."""
    path = Path(path)
    header, arrays = _read(path)
    try:
        return _build(header, arrays)
    except ModelLoadError as exc:
        raise ModelLoadError(f"{path}: {exc}") from exc
    except (KeyError, TypeError, ValueError, IndexError, ConfigError) as exc:
        raise ModelLoadError(f"{path}: damaged model header ({type(exc).__name__}: {exc})") from exc
