"""The forked job a build writes its exports in: results, errors and a killed child come back."""

from __future__ import annotations

import os
import signal
import time
from typing import TYPE_CHECKING

import pytest

from geo import background
from geo.background import BackgroundJobError

if TYPE_CHECKING:
    from pathlib import Path


def test_the_result_comes_back_and_the_child_wrote_its_file(tmp_path: Path) -> None:
    def job() -> list[str]:
        (tmp_path / "written.txt").write_text("from the child", encoding="utf-8")
        return ["written.txt", str(os.getpid())]

    name, pid = background.start(job).wait()
    assert name == "written.txt"
    assert int(pid) != os.getpid()  # another process did the work
    assert (tmp_path / "written.txt").read_text(encoding="utf-8") == "from the child"


def test_an_error_in_the_child_is_raised_by_wait_with_its_message() -> None:
    def job() -> None:
        raise OSError("No space left on device: 'out/idlib.gpkg'")

    running = background.start(job)
    with pytest.raises(BackgroundJobError, match="No space left on device"):
        running.wait()


def test_a_killed_child_is_an_error_not_an_empty_result() -> None:
    def job() -> str:
        time.sleep(30)
        return "never"

    running = background.start(job)
    assert running.pid is not None
    os.kill(running.pid, signal.SIGKILL)
    with pytest.raises(BackgroundJobError, match="ended without finishing"):
        running.wait()


def test_cancel_stops_the_child_before_it_writes(tmp_path: Path) -> None:
    def job() -> str:
        time.sleep(2)
        (tmp_path / "late.txt").write_text("too late", encoding="utf-8")
        return "done"

    running = background.start(job)
    running.cancel()
    time.sleep(2.5)
    assert not (tmp_path / "late.txt").exists()
