"""A model deployed through one worker is served by every worker within the follow interval."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import nlu
from bot.model_holder import ModelHolder
from bot.workers.models import ModelFollower, record_deployment
from handoff.store.db import Database


def deploy_new_model(path: Path, trained_at: str) -> None:
    """What a trainer's Deploy leaves behind: another model file at the model path."""
    model = nlu.load_model(path)
    model.metadata["trained_at"] = trained_at
    nlu.save_model(model, path)


def test_a_worker_swaps_to_the_model_another_worker_deployed(
        db: Database, nlu_model_path: Path, tmp_path: Path) -> None:
    path = tmp_path / "intent_model.npz"
    shutil.copy(nlu_model_path, path)
    serving = ModelHolder.load(path)
    follower = ModelFollower(db, serving, path)
    assert follower.follow_once() is False  # nothing deployed yet: keep what it loaded

    deploy_new_model(path, "2099-01-01T00:00:00+00:00")
    record_deployment(db, path, datetime.now(UTC))

    assert follower.follow_once() is True
    assert serving.model.metadata["trained_at"] == "2099-01-01T00:00:00+00:00"
    assert follower.follow_once() is False  # once


def test_a_deployment_whose_file_is_not_here_yet_is_waited_for(
        db: Database, nlu_model_path: Path, tmp_path: Path) -> None:
    path = tmp_path / "intent_model.npz"
    shutil.copy(nlu_model_path, path)
    follower = ModelFollower(db, ModelHolder.load(path), path)
    elsewhere = tmp_path / "other.npz"
    shutil.copy(nlu_model_path, elsewhere)
    deploy_new_model(elsewhere, "2099-01-01T00:00:00+00:00")
    record_deployment(db, elsewhere, datetime.now(UTC))
    assert follower.follow_once() is False
