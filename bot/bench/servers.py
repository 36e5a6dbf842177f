"""The benchmark's servers: a prepared database (schema, queues, demo orders, demo staff) and
real ``aftersales serve`` processes on a loopback port, with their peak RSS read from /proc."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.demo import load_demo_orders, seed_demo_agents
from handoff.config.settings import Settings
from handoff.config.tables import load_queues, sync_queues
from handoff.store.db import Database
from handoff.store.migrate import upgrade

SUPERVISOR = "sam"  # the demo supervisor sees every queue: the bench's agent


def prepare_database(settings: Settings) -> str:
    """Migrate, load queues, demo orders and staff; the supervisor's fresh API token."""
    database = Database(settings.database_url)
    try:
        upgrade(database)
        assert settings.queues_file is not None
        with database.session() as session:
            sync_queues(session, load_queues(settings.queues_file))
            load_demo_orders(session, settings, datetime.now(ZoneInfo(settings.timezone)).date())
            logins = seed_demo_agents(
                session, settings.training_data_dir / "demo" / "agents.yml", datetime.now(UTC))
    finally:
        database.dispose()
    return next(login.token for login in logins if login.name == SUPERVISOR)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class ServerGroup:
    """``aftersales serve`` on one port: the parent process (and its workers, if any)."""

    process: subprocess.Popen[bytes]
    url: str

    def pids(self) -> list[int]:
        """The processes that serve: the workers when there are any, else the parent."""
        children = _children(self.process.pid)
        return children or [self.process.pid]

    def peak_rss_mb(self) -> list[float]:
        return [_peak_rss_kb(pid) / 1024 for pid in self.pids()]


@contextmanager
def serve(env: dict[str, str], workers: int, log: Path) -> Iterator[ServerGroup]:
    """Start ``aftersales serve`` (with ``--workers`` above one), wait for /readyz, and stop it
    (SIGTERM, then SIGKILL) on the way out."""
    port = free_port()
    command = [sys.executable, "-c", "from bot.cli import main; main()", "serve",
               "--host", "127.0.0.1", "--port", str(port)]
    if workers > 1:
        command += ["--workers", str(workers)]
    with log.open("ab") as out:
        process = subprocess.Popen(command, env={**os.environ, **env}, stdout=out,
                                   stderr=subprocess.STDOUT)
    group = ServerGroup(process, f"http://127.0.0.1:{port}")
    try:
        wait_ready(group, workers)
        yield group
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_ready(group: ServerGroup, workers: int, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if group.process.poll() is not None:
            raise RuntimeError(f"the server exited with {group.process.returncode}")
        if _ready(group.url) and (workers == 1 or len(_children(group.process.pid)) >= workers):
            return
        time.sleep(0.2)
    raise RuntimeError(f"the server at {group.url} was not ready within {timeout:.0f} s")


def _ready(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/readyz", timeout=2) as answer:
            return bool(answer.status == 200)
    except OSError:
        return False


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        found += [int(p) for p in task.read_text().split()]
    return sorted(found)


def _peak_rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0
