"""Report the stages of a long job: debug logs always, a progress bar on a terminal."""

from __future__ import annotations

import logging
import sys
import time
from typing import Any

log = logging.getLogger(__name__)

#: A job shows its bar only once it has run this long, so quick builds print nothing extra.
BAR_AFTER_S = 1.0


class Progress:
    """Stages of a job as debug log lines with times, and as a bar when ``enabled``.

    The bar (tqdm, on stderr) appears at the first stage reached after :data:`BAR_AFTER_S`
    and is removed at the end; it is never shown when stderr is not a terminal.

    Parameters
    ----------
    stages
        How many :meth:`step` calls make the whole job.
    enabled
        Whether to draw the bar at all.
    """

    def __init__(self, *, stages: int, enabled: bool) -> None:
        self.stages = stages
        self.enabled = enabled
        self._bar: Any = None
        self._done = 0
        self._started = time.perf_counter()

    @classmethod
    def for_terminal(cls, *, stages: int, quiet: bool) -> Progress:
        """Draw a bar only when stderr is a terminal and the user did not ask for quiet."""
        return cls(stages=stages, enabled=not quiet and sys.stderr.isatty())

    def step(self, stage: str) -> None:
        """Enter ``stage`` (log it with the time so far; advance the bar)."""
        elapsed = time.perf_counter() - self._started
        log.debug("%7.3f s  %s", elapsed, stage)
        self._show(stage, elapsed)
        self._done = min(self._done + 1, self.stages)
        if self._bar is not None:
            self._bar.update(self._done - self._bar.n)

    def note(self, stage: str) -> None:
        """Log a sub-stage without advancing the bar."""
        elapsed = time.perf_counter() - self._started
        log.debug("%7.3f s    %s", elapsed, stage)
        self._show(stage, elapsed)

    def _show(self, stage: str, elapsed: float) -> None:
        if self.enabled and self._bar is None and elapsed >= BAR_AFTER_S:
            from tqdm import tqdm  # noqa: PLC0415 - imported only when a bar is drawn

            self._bar = tqdm(
                total=self.stages, initial=self._done, leave=False, file=sys.stderr,
                bar_format="{desc:<30} {bar:20} {elapsed}", miniters=1, mininterval=0,
            )  # fmt: skip
        if self._bar is not None:
            self._bar.set_description_str(stage)

    def done(self) -> None:
        """Log the total time and remove the bar."""
        log.debug("%7.3f s  done", time.perf_counter() - self._started)
        if self._bar is not None:
            self._bar.close()
