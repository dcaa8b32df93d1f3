"""Report the stages of a long job: debug logs always, a progress bar on a terminal."""

from __future__ import annotations

import logging
import sys
import time
from typing import Any

log = logging.getLogger(__name__)


class Progress:
    """Stages of a job as debug log lines with times, and as a bar when ``enabled``.

    The bar (tqdm, on stderr) appears only once the job has run a second, so quick builds
    print nothing extra; it is never shown when stderr is not a terminal.

    Parameters
    ----------
    stages
        How many :meth:`step` calls make the whole job.
    enabled
        Whether to draw the bar at all.
    """

    def __init__(self, *, stages: int, enabled: bool) -> None:
        self.stages = stages
        self._bar: Any = None
        self._started = time.perf_counter()
        if enabled:
            from tqdm import tqdm  # noqa: PLC0415 - imported only when a bar is drawn

            self._bar = tqdm(
                total=stages, delay=1.0, leave=False, file=sys.stderr,
                bar_format="{desc:<30} {bar:20} {elapsed}",
            )  # fmt: skip

    @classmethod
    def for_terminal(cls, *, stages: int, quiet: bool) -> Progress:
        """Draw a bar only when stderr is a terminal and the user did not ask for quiet."""
        return cls(stages=stages, enabled=not quiet and sys.stderr.isatty())

    def step(self, stage: str) -> None:
        """Enter ``stage`` (log it with the time so far; advance the bar)."""
        log.debug("%7.3f s  %s", time.perf_counter() - self._started, stage)
        if self._bar is not None:
            self._bar.set_description_str(stage)
            if self._bar.n < self.stages:
                self._bar.update(1)

    def note(self, stage: str) -> None:
        """Log a sub-stage without advancing the bar."""
        log.debug("%7.3f s    %s", time.perf_counter() - self._started, stage)
        if self._bar is not None:
            self._bar.set_description_str(stage)

    def done(self) -> None:
        """Log the total time and remove the bar."""
        log.debug("%7.3f s  done", time.perf_counter() - self._started)
        if self._bar is not None:
            self._bar.close()
