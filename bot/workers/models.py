"""Model deployment reaches every worker: a Deploy writes the model file and records its
SHA-256 in ``model_deployments``; every worker compares the newest row with the model it serves
and swaps to the file when the versions differ (and the file on its disk is that version: on
several machines the models folder is a shared mount). It compares when the store's change feed
says a deployment was committed (at once, on PostgreSQL from any worker), and every
``AFTERSALES_MODEL_FOLLOW_SECONDS`` in any case: the feed may miss a deployment while its LISTEN
connection is down."""

from __future__ import annotations

import asyncio
import hashlib
import logging
from datetime import datetime
from pathlib import Path

from sqlalchemy import select

import nlu
from bot.model_holder import ModelHolder
from handoff.store.changes import Topic
from handoff.store.db import Database
from handoff.store.models import ModelDeployment

log = logging.getLogger(__name__)


def file_version(path: Path) -> str:
    """The SHA-256 of the model file (its version)."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def record_deployment(db: Database, path: Path, now: datetime) -> str:
    """Record that the file at ``path`` is now the deployed model; its version."""
    version = file_version(path)
    with db.session() as session:
        session.add(ModelDeployment(version=version, path=str(path), deployed_at=now))
    return version


def deployed_version(db: Database) -> str | None:
    with db.session() as session:
        return session.scalar(select(ModelDeployment.version)
                              .order_by(ModelDeployment.id.desc()).limit(1))


class ModelFollower:
    """Keeps this worker's model at the deployed version."""

    def __init__(self, db: Database, models: ModelHolder, path: Path) -> None:
        self._db, self._models, self._path = db, models, path
        self.version = file_version(path) if path.exists() else ""

    def follow_once(self) -> bool:
        """Swap to the deployed model if it is not the one in service; whether it swapped."""
        wanted = deployed_version(self._db)
        if wanted is None or wanted == self.version:
            return False
        if file_version(self._path) != wanted:
            log.warning("model %s is deployed but %s holds another file; waiting",
                        wanted[:12], self._path)
            return False
        self._models.swap(nlu.load_model(self._path), self._path)
        self.version = wanted
        log.info("model %s deployed by another worker is now in service", wanted[:12])
        return True

    async def run(self, interval: float) -> None:
        feed = self._db.changes
        seen = feed.version(Topic.MODEL)
        while True:
            seen = await feed.wait(Topic.MODEL, seen, interval)
            try:
                await asyncio.to_thread(self.follow_once)
            except Exception:
                log.exception("following the deployed model failed; retrying")
