"""The bench's CPU line: how much of the machine the workers, the driver and the rest used."""

from __future__ import annotations

import os

from bot.bench.cpu import CpuSample, sample, summary


def test_the_cores_are_split_between_workers_driver_and_the_rest() -> None:
    cores = os.cpu_count() or 1
    before = CpuSample(machine_busy=100.0, workers=10.0, driver=1.0)
    after = CpuSample(machine_busy=100.0 + 1.5 * 10, workers=10.0 + 9.0, driver=1.0 + 1.0)
    line = summary(before, after, seconds=10.0)
    assert line.startswith(f"{100 * 15 / (10 * cores):.0f}% of {cores} cores busy")
    assert "workers 0.90 cores, driver 0.10, rest (database, other) 0.50" in line


def test_a_sample_reads_this_machine_and_a_live_process() -> None:
    first = sample([os.getpid()])
    sum(range(2_000_000))  # some CPU of our own
    second = sample([os.getpid()])
    assert second.driver > first.driver and second.workers >= first.workers
    assert second.machine_busy >= first.machine_busy
    assert sample([2**22 + 12345]).workers == 0.0  # a process that is gone counts nothing
