"""Incremental builds: what the cache reuses, what it refuses to trust, and --watch."""

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
from geo.build import MAP_FILENAME, STAGES, BuildResult, BuildSettings, build, forget
from geo.cache import CACHE_DIRNAME
from geo.datasets import DATA_DIR
from geo.incidents import IncidentValidationError, incremental
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
    assert (first.parsed, first.reused, first.page_cached, first.exports_written) == (
        16, 0, False, True,
    )  # fmt: skip
    html = (out / MAP_FILENAME).read_bytes()
    again = run_build(store, out)
    assert (again.parsed, again.reused, again.page_cached, again.exports_written) == (
        0, 16, True, False,
    )  # fmt: skip
    assert (out / MAP_FILENAME).read_bytes() == html
    assert again.unchanged
    # Touching the store without changing it rebuilds nothing either.
    os.utime(store, None)
    touched = run_build(store, out)
    assert (touched.parsed, touched.exports_written, touched.unchanged) == (0, False, True)
    # A map edited or deleted since is written again, from the cached rows and page.
    (out / MAP_FILENAME).unlink()
    rewritten = run_build(store, out)
    assert (rewritten.parsed, rewritten.reused, rewritten.unchanged) == (0, 16, False)
    assert (out / MAP_FILENAME).read_bytes() == html


def test_adding_one_incident_reads_one_row_and_matches_a_full_build(
    store: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    run_build(store, out)
    assert build_map.main(["add", "--incidents", str(store), "--no-build", *ADD_ARIHA]) == 0
    result = run_build(store, out)
    assert (result.parsed, result.reused, result.page_cached) == (1, 16, True)
    assert result.exports_written
    fresh = run_build(store, tmp_path / "fresh")
    assert fresh.parsed == 17
    assert (out / MAP_FILENAME).read_bytes() == (tmp_path / "fresh" / MAP_FILENAME).read_bytes()
    for name in ("incidents_classified.csv", "summary.json", "layers/incidents.geojson"):
        assert (out / name).read_bytes() == (tmp_path / "fresh" / name).read_bytes(), name


def test_an_edited_row_is_read_again(store: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run_build(store, out)
    text = store.read_text(encoding="utf-8")
    store.write_text(text.replace("Trinbeh", "Tronba", 1), encoding="utf-8")
    result = run_build(store, out)
    assert result.parsed == 1
    assert result.reused == 15


def test_a_new_row_reusing_a_cached_id_is_refused_with_its_line(
    store: Path, tmp_path: Path
) -> None:
    run_build(store, tmp_path / "out")
    lines = store.read_text(encoding="utf-8").splitlines()
    copy = lines[3].replace("Ariha", "Ariha town")  # same id, new text: not a cached record
    store.write_text("\n".join([*lines, copy]) + "\n", encoding="utf-8")
    with pytest.raises(IncidentValidationError) as caught:
        run_build(store, tmp_path / "out")
    assert f"line {len(lines) + 1}" in str(caught.value)
    assert "ids must be unique" in str(caught.value)


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        (lambda cache: (cache / "incident-rows.bin").write_bytes(b"garbage"), "corrupt"),
        (lambda cache: _truncate(cache / "incident-rows.bin"), "corrupt"),
        (lambda cache: _edit_meta(cache / "incident-rows.json", code="0" * 16), "another version"),
        (lambda cache: _edit_meta(cache / "incident-rows.json", format=0), "another version"),
        (lambda cache: (cache / "incident-rows.json").write_text("{", encoding="utf-8"), "corrupt"),
        (lambda cache: (cache / "page.bin").write_bytes(b"<html>old</html>"), "corrupt"),
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
    caplog.set_level("INFO")
    result = run_build(store, out, new_process=True)
    assert reason in caplog.text
    assert result.parsed == 17 or not result.page_cached
    fresh = run_build(store, tmp_path / "fresh")
    assert (out / MAP_FILENAME).read_bytes() == (tmp_path / "fresh" / MAP_FILENAME).read_bytes()
    os.utime(store, None)
    healed = run_build(store, out)
    assert healed.unchanged
    assert fresh.parsed == 17


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
    assert result.parsed == 16  # rows depend on the static inputs too: read again


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
    assert "17 incidents (1 read, 16 reused)" in second


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


def test_rows_remembered_in_memory_yield_to_a_cache_rewritten_elsewhere(
    store: Path, tmp_path: Path
) -> None:
    """--watch keeps the last rows in memory; another process's build replaces them."""
    out = tmp_path / "out"
    run_build(store, out)
    assert build_map.main(["add", "--incidents", str(store), "--no-build", *ADD_ARIHA]) == 0
    other = subprocess.run(
        [sys.executable, str(ROOT / "build_map.py"), "--incidents", str(store),
         "--out", str(out), "-q"],
        capture_output=True, text=True, check=False, cwd=tmp_path,
    )  # fmt: skip
    assert other.returncode == 0, other.stderr
    (out / MAP_FILENAME).unlink()
    result = run_build(store, out)  # memory holds 16 rows; the cache on disk has 17
    assert (result.parsed, result.reused) == (0, 17)


def test_watch_warms_memory_even_when_nothing_changed(store: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run_build(store, out)
    forget()  # a new process: --watch started on a map already built
    settings = BuildSettings(data_dir=DATA_DIR, out=out, store=store, keep_warm=True)
    result = build(settings, render_template=render_template, fill_template=fill_page,
                   progress=Progress(stages=STAGES, enabled=False))  # fmt: skip
    assert result.unchanged
    assert incremental._LAST
    assert build_map.main(["add", "--incidents", str(store), "--no-build", *ADD_ARIHA]) == 0
    after = run_build(store, out)
    assert (after.parsed, after.reused) == (1, 16)
