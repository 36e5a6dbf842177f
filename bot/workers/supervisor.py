"""``aftersales serve --workers N``: N worker processes that share one port (SO_REUSEPORT: the
kernel spreads connections over them, no balancer in front needed) and one PostgreSQL database.

Each worker is a plain ``aftersales serve --reuse-port`` process with its own model and pools;
the parent only starts them, forwards SIGTERM/SIGINT, and ends when they have all ended. A
worker that dies is not restarted here: the others keep serving and take its singleton jobs
over (a process manager such as systemd restarts the group).
"""

from __future__ import annotations

import signal
import subprocess
import sys
from types import FrameType

import click
from sqlalchemy.engine import make_url

WORKER_COMMAND = (sys.executable, "-c", "from bot.cli import main; main()", "serve")


def refuse_sqlite(database_url: str, workers: int) -> None:
    """SQLite is the one-process embedded store: several writers would queue on its one lock
    and the singleton jobs have nothing to lease on."""
    if workers > 1 and make_url(database_url).get_backend_name() == "sqlite":
        raise click.ClickException(
            f"--workers {workers} needs PostgreSQL: SQLite is for one process. Set "
            "DATABASE_URL=postgresql+psycopg://… (and run `aftersales db upgrade`), or drop "
            "--workers")


def run_workers(host: str, port: int, workers: int) -> int:
    """Start the workers, wait for them all; the worst exit status."""
    command = [*WORKER_COMMAND, "--host", host, "--port", str(port), "--reuse-port"]
    children = [subprocess.Popen(command) for _ in range(workers)]
    click.echo(f"{workers} workers on http://{host}:{port}/ (pids "
               f"{', '.join(str(c.pid) for c in children)})")

    def forward(signum: int, _frame: FrameType | None) -> None:
        for child in children:
            if child.poll() is None:
                child.send_signal(signum)

    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, forward)
    return max(abs(child.wait()) for child in children)
