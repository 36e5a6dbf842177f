"""Where the machine's CPU went during the load: the servers' workers, this driver, and the rest
(PostgreSQL, anything else running), from /proc. On a small machine the driver and the
database share the cores with the workers, which bounds what a second worker can add."""

from __future__ import annotations

import os
import resource
from dataclasses import dataclass
from pathlib import Path

_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class CpuSample:
    machine_busy: float  # CPU-seconds all cores spent busy (not idle / iowait)
    workers: float  # CPU-seconds of the server processes
    driver: float  # CPU-seconds of this process (the simulated customers and agent)


def sample(worker_pids: list[int]) -> CpuSample:
    return CpuSample(_machine_busy(), sum(_process(pid) for pid in worker_pids), _own())


def summary(before: CpuSample, after: CpuSample, seconds: float) -> str:
    """One line: the cores' use over the load, split by who used them."""
    cores = os.cpu_count() or 1
    busy = after.machine_busy - before.machine_busy
    workers, driver = after.workers - before.workers, after.driver - before.driver
    return (f"{100 * busy / (seconds * cores):.0f}% of {cores} cores busy: workers "
            f"{workers / seconds:.2f} cores, driver {driver / seconds:.2f}, "
            f"rest (database, other) {max(0.0, busy - workers - driver) / seconds:.2f}")


def _machine_busy() -> float:
    fields = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return (sum(fields[:8]) - idle) / _TICKS


def _process(pid: int) -> float:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _TICKS  # utime, stime


def _own() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime
