"""Model files: round trip, and refusing anything that is not a model."""

import pickle
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from nlu import save_model
from nlu.artifacts import ModelLoadError, load_model
from nlu.model import NluModel

MESSAGES = ["我的訂單SO2026110512345到哪裡了", "I want to return this, it cost $25", "曝光补偿", ""]


def test_saved_model_parses_exactly_like_the_trained_one(
    mini_model: NluModel, tmp_path: Path, today
) -> None:
    path = tmp_path / "m.npz"
    save_model(mini_model, path)
    loaded = load_model(path)
    for text in MESSAGES:
        assert loaded.parse(text, today) == mini_model.parse(text, today)
    assert loaded.metadata == mini_model.metadata


def test_missing_model_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ModelLoadError, match="model file not found"):
        load_model(tmp_path / "absent.npz")


def test_pickle_is_refused_without_being_executed(tmp_path: Path) -> None:
    marker = tmp_path / "executed"
    payload = tmp_path / "evil.npz"

    class Evil:
        def __reduce__(self):
            return (Path.touch, (marker,))

    payload.write_bytes(pickle.dumps(Evil()))
    with pytest.raises(ModelLoadError):
        load_model(payload)
    assert not marker.exists()


def test_truncated_model_file_is_refused(mini_model: NluModel, tmp_path: Path) -> None:
    path = tmp_path / "m.npz"
    save_model(mini_model, path)
    path.write_bytes(path.read_bytes()[:2000])
    with pytest.raises(ModelLoadError, match="not a readable NLU model"):
        load_model(path)


def test_foreign_npz_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.npz"
    np.savez(path, weights=np.zeros(3))
    with pytest.raises(ModelLoadError):
        load_model(path)


def test_parsing_with_a_loaded_model_does_not_import_scikit_learn(
    mini_model: NluModel, tmp_path: Path
) -> None:
    path = tmp_path / "m.npz"
    save_model(mini_model, path)
    code = (
        f"import sys, nlu; m = nlu.load_model({str(path)!r}); m.parse('where is my order'); "
        "print(sorted({k.split('.')[0] for k in sys.modules} & {'sklearn', 'scipy', 'matplotlib'}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert out.stdout.strip() == "[]"
