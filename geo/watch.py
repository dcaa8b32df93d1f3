"""Run a job again whenever some files change: polled, debounced, stopped by Ctrl-C."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

#: How often the files are looked at, and how long they must stay still before a rebuild.
POLL_S = 0.3
QUIET_S = 0.4


def stamp(path: Path) -> tuple[int, int]:
    """Return (size, modification time in ns), or (-1, -1) for a missing file."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        return (-1, -1)
    return (stat.st_size, stat.st_mtime_ns)


def watch(
    files: Callable[[], list[Path]],
    job: Callable[[], None],
    *,
    poll_s: float = POLL_S,
    quiet_s: float = QUIET_S,
    max_runs: int | None = None,
) -> None:
    """Run ``job`` now, then each time the ``files`` change and have settled.

    A burst of writes (an editor saving, several ``add`` commands) gives one run, once the
    files have stayed unchanged for ``quiet_s``. Returns after ``max_runs`` runs, if given;
    otherwise runs until interrupted (KeyboardInterrupt propagates to the caller).
    """

    def snapshot() -> list[tuple[int, int]]:
        return [stamp(path) for path in files()]

    seen = snapshot()
    job()
    runs = 1
    while max_runs is None or runs < max_runs:
        time.sleep(poll_s)
        current = snapshot()
        if current == seen:
            continue
        while True:
            time.sleep(quiet_s)
            settled = snapshot()
            if settled == current:
                break
            current = settled
        seen = current
        job()
        runs += 1
