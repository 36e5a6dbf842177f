"""Benchmark: model load time, single-message parse latency, throughput, memory.

The measurement runs in a fresh Python process so load time includes jieba's
dictionary initialisation and the memory figures belong to the model alone.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any


class BenchError(RuntimeError):
    """The benchmark could not run (no model, child process failed)."""


def _rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        pages = int(fh.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def _percentile(sorted_values: Sequence[float], q: float) -> float:
    index = min(len(sorted_values) - 1, round(q * (len(sorted_values) - 1)))
    return sorted_values[index]


def measure(model_file: str, texts: Sequence[str], n: int, warmup: int) -> dict[str, Any]:
    """Run inside the child process: load, warm up, time ``n`` single parses."""
    rss_before = _rss_mb()
    from nlu.artifacts import load_model

    t1 = time.perf_counter()
    model = load_model(model_file)
    t2 = time.perf_counter()
    rss_loaded = _rss_mb()
    for i in range(warmup):
        model.parse(texts[i % len(texts)])
    timings = []
    for i in range(n):
        text = texts[i % len(texts)]
        start = time.perf_counter_ns()
        model.parse(text)
        timings.append((time.perf_counter_ns() - start) / 1e6)
    timings.sort()
    total_s = sum(timings) / 1e3
    return {
        "messages": n,
        "parse_p50_ms": round(_percentile(timings, 0.50), 4),
        "parse_p99_ms": round(_percentile(timings, 0.99), 4),
        "parse_max_ms": round(timings[-1], 4),
        "throughput_msg_per_s": round(n / total_s, 1),
        "model_load_s": round(t2 - t1, 3),
        "rss_python_baseline_mb": round(rss_before, 1),
        "rss_after_load_mb": round(rss_loaded, 1),
        "rss_peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def run_benchmark(
    model_file: Path,
    texts: Sequence[str],
    n: int,
    warmup: int,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Measure in a child process and return the figures."""
    if not Path(model_file).is_file():
        raise BenchError(f"{model_file}: model file not found (run `aftersales nlu train` first)")
    if not texts:
        raise BenchError("no messages to benchmark")
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as fh:
        json.dump({"model": str(model_file), "texts": list(texts), "n": n, "warmup": warmup}, fh)
    if progress:
        progress(f"benchmarking {n} parses after {warmup} warm-up in a fresh process")
    try:
        done = subprocess.run(
            [sys.executable, "-m", "nlu.bench", fh.name],
            capture_output=True,
            text=True,
            cwd=Path(__file__).resolve().parent.parent,
            check=False,
        )
    finally:
        Path(fh.name).unlink(missing_ok=True)
    if done.returncode != 0:
        raise BenchError(f"benchmark process failed: {done.stderr.strip()[-2000:]}")
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    figures["model_file"] = str(model_file)
    return figures


def _child(job_file: str) -> None:
    job = json.loads(Path(job_file).read_text(encoding="utf-8"))
    print(json.dumps(measure(job["model"], job["texts"], job["n"], job["warmup"])))


if __name__ == "__main__":
    _child(sys.argv[1])
