"""Which NLU model is deployed: one row per Deploy, the newest wins. Every worker follows it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from handoff.store.models.base import Base


class ModelDeployment(Base):
    """A Deploy: the model file's SHA-256 (``version``), where it was written, when, by whom."""

    __tablename__ = "model_deployments"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[str] = mapped_column(String(64))
    path: Mapped[str] = mapped_column(String(500))
    deployed_at: Mapped[datetime]
