"""Print a benchmark's results as an aligned table and save them as JSON beside the script."""

from __future__ import annotations

import json
import os
import platform
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent


def machine() -> str:
    """Describe the machine a result was measured on (CPU model and count, memory, Python)."""
    cpu = platform.processor() or platform.machine()
    try:
        info = Path("/proc/cpuinfo").read_text(encoding="utf-8")
        cpu = next(line.split(":", 1)[1].strip() for line in info.splitlines()
                   if line.startswith("model name"))  # fmt: skip
    except (OSError, StopIteration):
        pass
    try:
        mem_kb = int(Path("/proc/meminfo").read_text(encoding="utf-8").split()[1])
        memory = f", {mem_kb / 2**20:.0f} GB"
    except (OSError, ValueError, IndexError):
        memory = ""
    return (f"{cpu}, {os.cpu_count()} cores{memory}, {platform.machine()}, {platform.system()}, "
            f"Python {platform.python_version()}")  # fmt: skip


def reference_loop_s(iterations: int = 10**7) -> float:
    """Time a plain Python loop (best of 3): how fast this machine runs Python right now.

    A VM's speed drifts with its host's other guests (by a third within minutes on
    2 December 2026), so a rate means little without this figure measured in the same run.
    """
    import time  # noqa: PLC0415 - only the benchmarks that print it need it

    best = float("inf")
    for _ in range(3):
        start, total = time.process_time(), 0
        for i in range(iterations):
            total += i
        best = min(best, time.process_time() - start)
    return round(best, 3)


def report(results: dict[str, object], name: str) -> None:
    """Print ``results`` and write ``bench/<name>_results.json``."""
    width = max(len(key) for key in results)
    for key, value in results.items():
        print(f"{key:<{width}}  {value}")
    (BENCH_DIR / f"{name}_results.json").write_text(json.dumps(results, indent=1) + "\n")
