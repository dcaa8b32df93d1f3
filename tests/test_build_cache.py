"""Rebuilds: the cached page, a build with nothing to do, what the cache refuses, --watch.

Tests of the record-level row cache (rows reused line by line, rows remembered between
builds) went with that cache: a cold build of 100,000 rows no longer needs it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

import build_map
import geo.build
from geo.build import MAP_FILENAME, STAGES, BuildResult, BuildSettings, build, forget
from geo.cache import CACHE_DIRNAME
from geo.datasets import DATA_DIR
from geo.incidents import IncidentValidationError
from geo.progress import Progress
from layers.compose import render_template
from layers.page import fill_page
from tests.builds import build_as_cli

ROOT = Path(build_map.__file__).parent
ADD_ARIHA = ["--date", "2020-10-01", "--place", "Ariha", "--type", "shelling",
             "--source", "Test outlet", "--notes", "one more"]  # fmt: skip


def run_build(
    store: Path, out: Path, *, data_dir: Path = DATA_DIR, new_process: bool = False
) -> BuildResult:
    """Build as the CLI does; ``new_process`` forgets what earlier builds left in memory."""
    return build_as_cli(store, out, data_dir=data_dir, new_process=new_process)


@pytest.fixture
def store(tmp_path: Path) -> Path:
    path = tmp_path / "incidents.csv"
    shutil.copyfile(DATA_DIR / "incidents.csv", path)
    return path


def test_unchanged_inputs_reuse_everything(store: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = run_build(store, out)
    assert (first.incidents, first.page_cached, first.exports_written) == (16, False, True)
    html = (out / MAP_FILENAME).read_bytes()
    again = run_build(store, out)
    assert (again.incidents, again.page_cached, again.exports_written) == (16, True, False)
    assert (out / MAP_FILENAME).read_bytes() == html
    assert again.unchanged
    # Touching the store without changing it rebuilds nothing either.
    os.utime(store, None)
    touched = run_build(store, out)
    assert (touched.exports_written, touched.unchanged) == (False, True)
    # A map edited or deleted since is written again, from the cached page.
    (out / MAP_FILENAME).unlink()
    rewritten = run_build(store, out)
    assert (rewritten.page_cached, rewritten.unchanged) == (True, False)
    assert (out / MAP_FILENAME).read_bytes() == html


def test_adding_one_incident_matches_a_full_build(store: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run_build(store, out)
    assert build_map.main(["add", "--incidents", str(store), "--no-build", *ADD_ARIHA]) == 0
    result = run_build(store, out)
    assert (result.incidents, result.page_cached, result.exports_written) == (17, True, True)
    fresh = run_build(store, tmp_path / "fresh")
    assert not fresh.page_cached
    assert (out / MAP_FILENAME).read_bytes() == (tmp_path / "fresh" / MAP_FILENAME).read_bytes()
    for name in ("incidents_classified.csv", "summary.json", "layers/incidents.geojson"):
        assert (out / name).read_bytes() == (tmp_path / "fresh" / name).read_bytes(), name


def test_a_row_reusing_an_id_is_left_off_with_its_line(store: Path, tmp_path: Path) -> None:
    run_build(store, tmp_path / "out")
    lines = store.read_text(encoding="utf-8").splitlines()
    copy = lines[3].replace("Ariha", "Ariha town")  # same id, new text
    store.write_text("\n".join([*lines, copy]) + "\n", encoding="utf-8")
    result = run_build(store, tmp_path / "out")
    assert (result.incidents, result.rejected) == (16, 1)
    assert f"line {len(lines) + 1}" in result.problems[0]
    assert "ids must be unique" in result.problems[0]
    with pytest.raises(IncidentValidationError) as caught:
        build_as_cli(store, tmp_path / "strict", strict=True)
    assert f"line {len(lines) + 1}" in str(caught.value)
    assert not (tmp_path / "strict" / MAP_FILENAME).exists()


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        (lambda cache: (cache / "page.bin").write_bytes(b"<html>old</html>"), "corrupt"),
        (lambda cache: _truncate(cache / "page.bin"), "corrupt"),
        (lambda cache: _edit_meta(cache / "page.json", code="0" * 16), "another version"),
        (lambda cache: _edit_meta(cache / "page.json", format=0), "another version"),
        (lambda cache: (cache / "page.json").write_text("{", encoding="utf-8"), "corrupt"),
    ],
)
def test_a_damaged_or_foreign_cache_is_rebuilt_not_trusted(
    store: Path,
    tmp_path: Path,
    damage: object,
    reason: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    out = tmp_path / "out"
    run_build(store, out)
    damage(out / CACHE_DIRNAME)  # type: ignore[operator]
    # A new incident makes the build use its caches (with nothing changed it does nothing).
    assert build_map.main(["add", "--incidents", str(store), "--no-build", *ADD_ARIHA]) == 0
    caplog.set_level("DEBUG")
    run_build(store, out, new_process=True)
    # Damage is news (INFO); an entry of other code is the normal course after an upgrade.
    levels = {r.levelname for r in caplog.records if reason in r.getMessage()}
    assert levels == ({"INFO"} if reason == "corrupt" else {"DEBUG"})
    fresh = run_build(store, tmp_path / "fresh")
    assert (out / MAP_FILENAME).read_bytes() == (tmp_path / "fresh" / MAP_FILENAME).read_bytes()
    os.utime(store, None)
    healed = run_build(store, out)
    assert healed.unchanged
    assert fresh.incidents == 17


def _truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _edit_meta(path: Path, **changes: object) -> None:
    meta = json.loads(path.read_text(encoding="utf-8"))
    meta.update(changes)
    path.write_text(json.dumps(meta), encoding="utf-8")


def test_a_changed_data_file_renders_the_page_again(store: Path, tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    shutil.copytree(DATA_DIR, data_dir)
    out = tmp_path / "out"
    run_build(store, out, data_dir=data_dir)
    posts = data_dir / "observation_posts.csv"
    posts.write_text(posts.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    result = run_build(store, out, data_dir=data_dir)
    assert not result.page_cached
    assert not result.unchanged


def test_an_edited_export_is_rewritten(store: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run_build(store, out)
    (out / "summary.json").write_text("{}", encoding="utf-8")
    result = run_build(store, out)
    assert result.exports_written
    assert (
        json.loads((out / "summary.json").read_text(encoding="utf-8"))["total"]["incidents"] == 16
    )


def test_watch_rebuilds_once_per_change_with_one_line(store: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    command = [sys.executable, str(ROOT / "build_map.py"), "--incidents", str(store),
               "--out", str(out), "--watch", "--max-runs", "2"]  # fmt: skip
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd=tmp_path) as process:
        assert process.stdout is not None
        assert process.stdout.readline().startswith("Watching")
        first = process.stdout.readline()
        assert " rebuilt " in first or " checked " in first
        assert "16 incidents" in first
        time.sleep(0.5)
        added = subprocess.run(
            [sys.executable, str(ROOT / "build_map.py"), "add", "--incidents", str(store),
             "--no-build", *ADD_ARIHA],
            capture_output=True, text=True, check=False, cwd=tmp_path,
        )  # fmt: skip
        assert added.returncode == 0, added.stderr
        second = process.stdout.readline()
        assert process.wait(timeout=60) == 0
    assert " rebuilt " in second
    assert "17 incidents; map in" in second


def test_a_quiet_or_piped_build_prints_no_progress_bar(store: Path, tmp_path: Path) -> None:
    command = [sys.executable, str(ROOT / "build_map.py"), "--incidents", str(store),
               "--out", str(tmp_path / "out")]  # fmt: skip
    piped = subprocess.run(command, capture_output=True, text=True, check=True, cwd=tmp_path)
    assert "\r" not in piped.stderr
    assert "Built " in piped.stdout
    verbose = subprocess.run(
        [*command[:-1], str(tmp_path / "fresh"), "-v"],
        capture_output=True, text=True, check=True, cwd=tmp_path,
    )  # fmt: skip
    assert "reading incidents" in verbose.stderr
    quiet = subprocess.run(
        [*command, "-q"], capture_output=True, text=True, check=True, cwd=tmp_path
    )
    assert (quiet.stdout, quiet.stderr) == ("", "")


def test_watch_warms_memory_even_when_nothing_changed(store: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run_build(store, out)
    forget()  # a new process: --watch started on a map already built
    settings = BuildSettings(data_dir=DATA_DIR, out=out, store=store, keep_warm=True)
    result = build(settings, render_template=render_template, fill_template=fill_page,
                   progress=Progress(stages=STAGES, enabled=False))  # fmt: skip
    assert result.unchanged
    assert geo.build._STATIC  # the static inputs are in memory for the next change
    assert build_map.main(["add", "--incidents", str(store), "--no-build", *ADD_ARIHA]) == 0
    after = run_build(store, out)
    assert (after.incidents, after.page_cached) == (17, True)
