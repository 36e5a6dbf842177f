"""Background retrain (a worker process with visible progress) and deploy (a hot model swap).

One retrain runs at a time per server. Deploy copies the evaluated candidate over the model file
in use (keeping the previous one as ``*.prev.npz``) and hands the loaded model to the running
bot's model slot: conversations keep going, the next message is parsed by the new model.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import sys
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol

from nlu import load_model
from nlu.model import NluModel


class ModelSlot(Protocol):
    """Where the running bot keeps its NLU model (swapped without a restart)."""

    @property
    def model(self) -> NluModel: ...

    def swap(self, model: NluModel) -> None: ...


class JobState(StrEnum):
    IDLE = "idle"
    RUNNING = "running"
    READY = "ready"  # a candidate is trained and evaluated, waiting for Deploy
    FAILED = "failed"
    DEPLOYED = "deployed"


class JobBusy(RuntimeError):
    """A retrain is already running."""


@dataclass(frozen=True)
class JobStatus:
    """What the training page shows."""

    state: JobState = JobState.IDLE
    pct: int = 0
    message: str = ""
    report: dict[str, Any] | None = None
    log: tuple[str, ...] = field(default=())


class Retrainer:
    """Runs ``bot.review.worker`` and keeps its progress; deploys the candidate it wrote."""

    def __init__(self, training_data_dir: Path, model_path: Path, work_dir: Path) -> None:
        self.training_data_dir = training_data_dir
        self.model_path = model_path
        self.candidate = work_dir / "candidate.npz"
        self.report_path = work_dir / "candidate_report.json"
        self.status = JobStatus()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Start a retrain in the background (JobBusy when one is running)."""
        if self._task is not None and not self._task.done():
            raise JobBusy("a retrain is already running")
        self.status = JobStatus(JobState.RUNNING, 1, "starting")
        self._task = asyncio.create_task(self._run())

    async def wait(self) -> JobStatus:
        """Wait for the running retrain (if any) and return the final status."""
        if self._task is not None:
            await asyncio.shield(self._task)
        return self.status

    async def close(self) -> None:
        """Stop a running retrain (server shutdown)."""
        if self._task is not None and not self._task.done():
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        self.report_path.unlink(missing_ok=True)
        self.candidate.parent.mkdir(parents=True, exist_ok=True)
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.review.worker", "--data", str(self.training_data_dir),
            "--current", str(self.model_path), "--out", str(self.candidate),
            "--report", str(self.report_path),
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )
        try:
            errors = await self._follow(process)
            code = await process.wait()
        except asyncio.CancelledError:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            await process.wait()
            raise
        self._finish(code, errors)

    async def _follow(self, process: asyncio.subprocess.Process) -> bytes:
        assert process.stdout is not None and process.stderr is not None
        errors = asyncio.create_task(process.stderr.read())
        async for raw in process.stdout:
            with contextlib.suppress(ValueError):
                line = json.loads(raw)
                self.status = replace(self.status, pct=int(line["pct"]), message=line["message"],
                                      log=(*self.status.log, line["message"]))
        return await errors

    def _finish(self, code: int, errors: bytes) -> None:
        if code != 0 or not self.report_path.exists():
            tail = errors.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no output"]
            self.status = replace(self.status, state=JobState.FAILED,
                                  message=f"training failed: {tail[0]}")
            return
        report = json.loads(self.report_path.read_text(encoding="utf-8"))
        self.status = replace(self.status, state=JobState.READY, pct=100, report=report)

    async def deploy(self, slot: ModelSlot) -> NluModel:
        """Put the evaluated candidate in service and swap it into the running bot."""
        if self.status.state is not JobState.READY or not self.candidate.exists():
            raise JobBusy("there is no evaluated candidate to deploy")
        model = await asyncio.to_thread(_install, self.candidate, self.model_path)
        slot.swap(model)
        self.status = replace(self.status, state=JobState.DEPLOYED,
                              message="deployed: the bot now uses the new model")
        return model


def _install(candidate: Path, model_path: Path) -> NluModel:
    """Load the candidate (refusing a broken file), then move it over the model in use."""
    model = load_model(candidate)
    model_path.parent.mkdir(parents=True, exist_ok=True)
    if model_path.exists():
        shutil.copy2(model_path, model_path.with_name(model_path.stem + ".prev.npz"))
    staging = model_path.with_name(f".{model_path.name}.deploy")
    shutil.copy2(candidate, staging)
    os.replace(staging, model_path)  # atomic: a restart mid-deploy loads old or new, never half
    meta = model_path.with_name(model_path.name.split(".")[0] + ".meta.json")
    meta.write_text(json.dumps(model.metadata, ensure_ascii=False, indent=2), encoding="utf-8")
    return model
