"""A model deployed through one worker is served by every worker: at once when the change feed
tells of the deployment, within the follow interval in any case."""

from __future__ import annotations

import asyncio
import contextlib
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


async def test_a_worker_that_polls_rarely_swaps_as_soon_as_the_deployment_commits(
        db: Database, nlu_model_path: Path, tmp_path: Path) -> None:
    path = tmp_path / "intent_model.npz"
    shutil.copy(nlu_model_path, path)
    serving = ModelHolder.load(path)
    following = asyncio.create_task(ModelFollower(db, serving, path).run(interval=3600))
    try:
        await asyncio.sleep(0)  # the follower is waiting on the feed
        await asyncio.to_thread(deploy_new_model, path, "2099-01-01T00:00:00+00:00")
        await asyncio.to_thread(record_deployment, db, path, datetime.now(UTC))
        async with asyncio.timeout(60):
            while serving.model.metadata["trained_at"] != "2099-01-01T00:00:00+00:00":
                await asyncio.sleep(0.05)
    finally:
        following.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await following
