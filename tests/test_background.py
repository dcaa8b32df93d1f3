"""The forked job a build writes its exports in: results, errors and a killed child come back."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from geo import background
from geo.background import BackgroundJobError
from geo.build import STAGES, BuildSettings, build
from geo.datasets import DATA_DIR
from geo.progress import Progress
from layers.compose import render_template
from layers.page import fill_page


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


def test_a_build_whose_page_cannot_be_rendered_fails_and_leaves_no_process(tmp_path: Path) -> None:
    """The template is rendered by a child: its error stops the build, named, and nothing waits."""

    def no_assets(inputs: object, *, offline: bool) -> str:
        del inputs  # what a renderer gets; this one fails before using it
        raise OSError(f"leaflet.js is missing (offline={offline}): run `make assets`")

    settings = BuildSettings(data_dir=DATA_DIR, out=tmp_path / "out",
                             store=DATA_DIR / "incidents.csv")  # fmt: skip
    before = children()
    with pytest.raises(BackgroundJobError, match=r"leaflet\.js is missing"):
        build(settings, render_template=no_assets, fill_template=fill_page,
              progress=Progress(stages=STAGES, enabled=False))  # fmt: skip
    assert not (tmp_path / "out" / "idlib_map.html").exists()
    assert children() <= before  # every child it started was waited for


@pytest.mark.parametrize("blocked", ["layers/corridor.geojson", "idlib.gpkg"])
def test_an_export_that_cannot_be_written_fails_the_build_and_leaves_no_temporary(
    tmp_path: Path, blocked: str
) -> None:
    """A folder where an export goes: the child's write or the build's rename fails, named."""
    out = tmp_path / "out"
    (out / blocked).mkdir(parents=True)
    settings = BuildSettings(data_dir=DATA_DIR, out=out, store=DATA_DIR / "incidents.csv")
    before = children()
    with pytest.raises((BackgroundJobError, OSError), match=r"corridor\.geojson|idlib\.gpkg"):
        build(settings, render_template=render_template, fill_template=fill_page,
              progress=Progress(stages=STAGES, enabled=False))  # fmt: skip
    assert not [p.name for p in out.rglob(".*") if p.is_file() and p.suffix in {".tmp", ".gpkg"}]
    assert children() <= before


def children() -> set[int]:
    """Return the ids of this process's children, zombies included (Linux ``/proc``)."""
    found: set[int] = set()
    for task in Path(f"/proc/{os.getpid()}/task").iterdir():
        found.update(int(pid) for pid in (task / "children").read_text().split())
    return found
