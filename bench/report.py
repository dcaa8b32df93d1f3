"""Print a benchmark's results as an aligned table and save them as JSON beside the script."""

from __future__ import annotations

import json
import platform
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent


def machine() -> str:
    """Describe the machine a result was measured on."""
    return f"{platform.machine()}, {platform.system()}, Python {platform.python_version()}"


def report(results: dict[str, object], name: str) -> None:
    """Print ``results`` and write ``bench/<name>_results.json``."""
    width = max(len(key) for key in results)
    for key, value in results.items():
        print(f"{key:<{width}}  {value}")
    (BENCH_DIR / f"{name}_results.json").write_text(json.dumps(results, indent=1) + "\n")
