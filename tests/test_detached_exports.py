"""``add`` returns once the store and the map are written; a detached process writes the exports.

Real processes throughout: ``build_map.py add`` started as a user would, its exporter found
by the pid it prints and stopped (SIGSTOP), resumed or killed (SIGKILL) at chosen moments.
After each scenario the outputs are compared, byte for byte, with a clean build of the store
on disk, or (after a kill) each with the file before the add or the clean build's.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

import build_map
from geo import generation
from geo.build import MAP_FILENAME
from geo.cache import CACHE_DIRNAME
from geo.datasets import DATA_DIR
from geo.doctor import check_exports
from layers.incident_data import incident_ids
from tests.builds import build_as_cli

if TYPE_CHECKING:
    from collections.abc import Iterator

ROOT = Path(build_map.__file__).resolve().parent
EXPORTS = ("incidents_classified.csv", "layers/incidents.geojson", "idlib.gpkg", "summary.json")
LAYERS = ("layers/m4.geojson", "layers/patrol_segment.geojson", "layers/corridor.geojson",
          "layers/corridor_north_south_band.geojson")  # fmt: skip
OUTPUTS = (MAP_FILENAME, *EXPORTS, *LAYERS)
PID = re.compile(r"exports being written in the background \(pid (\d+)\)")
TIMEOUT = 60.0


def add_args(store: Path, out: Path, day: str, *extra: str) -> list[str]:
    return ["add", "--incidents", str(store), "--out", str(out), "--date", day,
            "--place", "Ariha", "--type", "shelling", "--source", f"Test {day}", *extra]  # fmt: skip


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    """Run ``build_map.py`` to its end (its output read through pipes, as a script would)."""
    result = subprocess.run([sys.executable, str(ROOT / "build_map.py"), *args], cwd=ROOT,
                            capture_output=True, text=True, check=False, timeout=TIMEOUT)  # fmt: skip
    assert result.returncode == 0, result.stderr
    return result


def exporter_pid(result: subprocess.CompletedProcess[str]) -> int:
    found = PID.search(result.stdout)
    assert found, result.stdout
    return int(found[1])


def alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie left to an init that does not reap counts as ended)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state not in {"Z", "X"}


def signal_if_alive(pid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signum)


def wait_for_exports(out: Path) -> float:
    """Poll until no exporter writes into ``out``; return how long that took."""
    began = time.perf_counter()
    while (state := generation.inspect(out / CACHE_DIRNAME)) is not None and state.running:
        assert time.perf_counter() - began < TIMEOUT, "the exporter never finished"
        time.sleep(0.02)
    return time.perf_counter() - began


def outputs(out: Path) -> dict[str, bytes | None]:
    return {name: (out / name).read_bytes() if (out / name).is_file() else None for name in OUTPUTS}


def clean(store: Path, folder: Path) -> dict[str, bytes | None]:
    """The files of a fresh foreground build of ``store`` (an empty folder)."""
    shutil.rmtree(folder, ignore_errors=True)
    build_as_cli(store, folder, new_process=True)
    files = outputs(folder)
    assert all(files.values())
    return files


def temporaries(out: Path) -> list[str]:
    return sorted(p.name for p in out.rglob(".*") if p.is_file())


@pytest.fixture
def store(tmp_path: Path) -> Path:
    path = tmp_path / "store" / "incidents.csv"
    path.parent.mkdir()
    shutil.copyfile(DATA_DIR / "incidents.csv", path)
    return path


@pytest.fixture
def out(store: Path, tmp_path: Path) -> Path:
    """An output folder with the bundled store's map and exports, as a build leaves them."""
    folder = tmp_path / "out"
    build_as_cli(store, folder, new_process=True)
    return folder


def test_add_returns_with_the_map_new_and_the_exports_following(
    store: Path, out: Path, tmp_path: Path
) -> None:
    before = outputs(out)
    result = cli(*add_args(store, out, "2020-10-01"))
    pid = exporter_pid(result)
    assert "`build_map.py build` waits for them" in result.stdout
    html = (out / MAP_FILENAME).read_text(encoding="utf-8")
    assert len(incident_ids(html)) == 17  # the map is new on return
    waited = wait_for_exports(out)
    assert not alive(pid)
    expected = clean(store, tmp_path / "fresh")
    assert outputs(out) == expected, "the exporter's files differ from a fresh build's"
    assert before["summary.json"] != expected["summary.json"]
    assert temporaries(out) == []
    again = cli("--incidents", str(store), "--out", str(out))
    assert "nothing changed" in again.stdout  # the exporter recorded what it published
    print(f"exports complete {waited:.2f} s after add returned")  # noqa: T201


def test_import_acled_also_leaves_its_exports_to_a_detached_process(
    store: Path, out: Path, tmp_path: Path
) -> None:
    export = Path(__file__).resolve().parent / "data" / "acled_current.csv"
    result = cli("import-acled", str(export), "--incidents", str(store), "--out", str(out))
    pid = exporter_pid(result)
    wait_for_one(pid)
    assert outputs(out) == clean(store, tmp_path / "fresh")


def test_add_wait_returns_with_the_exports_written(store: Path, out: Path, tmp_path: Path) -> None:
    result = cli(*add_args(store, out, "2020-10-01", "--wait"))
    assert "exports rewritten" in result.stdout
    assert "background" not in result.stdout
    state = generation.inspect(out / CACHE_DIRNAME)
    assert state is not None
    assert not state.running
    assert outputs(out) == clean(store, tmp_path / "fresh")


@contextlib.contextmanager
def exports_lock_held(out: Path) -> Iterator[None]:
    """Hold the exports lock as a publishing writer would: exporters get no further."""
    lock = out / CACHE_DIRNAME / "exports.lock"
    fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def wait_until_blocked(pid: int) -> None:
    """Wait until ``pid`` waits for a lock (``/proc/locks`` lists it after ``->``)."""
    began = time.perf_counter()
    while not any(
        "->" in line and line.split()[5] == str(pid)
        for line in Path("/proc/locks").read_text().splitlines()
    ):
        assert alive(pid), f"{pid} ended without waiting for the lock"
        assert time.perf_counter() - began < TIMEOUT, f"{pid} never came to the lock"
        time.sleep(0.01)


def test_a_build_during_a_running_export_waits_for_it(store: Path, out: Path) -> None:
    """The build waits for the exporter of its store instead of writing the same files."""
    with exports_lock_held(out):
        pid = exporter_pid(cli(*add_args(store, out, "2020-10-01")))
        wait_until_blocked(pid)  # its exports prepared, not published
        (finding,) = check_exports(out)
        assert finding.ok
        assert finding.detail.startswith("exports are being written")
        command = [sys.executable, str(ROOT / "build_map.py"), "--incidents", str(store),
                   "--out", str(out)]  # fmt: skip
        build = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
        wait_until_blocked(build.pid)  # on the exporter's record
        assert not [n for n in temporaries(out) if "summary" in n and str(build.pid) in n]
    stdout, _ = build.communicate(timeout=TIMEOUT)
    assert build.returncode == 0
    assert "nothing changed" in stdout  # the exporter's files, published and recorded
    assert not alive(pid)
    assert check_exports(out) == []


def test_an_overtaken_exporter_discards_its_files(store: Path, out: Path, tmp_path: Path) -> None:
    """Two adds in quick succession: the first one's exporter finds itself stale at the lock.

    Then a build of a store changed meanwhile writes its own exports over a running one's.
    """
    with exports_lock_held(out):  # both exporters prepare their files and wait to publish
        first = exporter_pid(cli(*add_args(store, out, "2020-10-01")))
        second = exporter_pid(cli(*add_args(store, out, "2020-10-02")))
        wait_until_blocked(first)
        wait_until_blocked(second)
    wait_for_one(first)
    wait_for_one(second)
    assert outputs(out) == clean(store, tmp_path / "fresh")
    assert temporaries(out) == []
    assert "nothing changed" in cli("--incidents", str(store), "--out", str(out)).stdout

    record = out / CACHE_DIRNAME
    with exports_lock_held(out):
        third = exporter_pid(cli(*add_args(store, out, "2020-10-03")))
        started = generation.current_key(record)
        cli(*add_args(store, out, "2020-10-04", "--no-build"))
        command = [sys.executable, str(ROOT / "build_map.py"), "--incidents", str(store),
                   "--out", str(out)]  # fmt: skip
        build = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
        began = time.perf_counter()
        while generation.current_key(record) == started:  # the build's own generation begins
            assert time.perf_counter() - began < TIMEOUT
            time.sleep(0.01)
    stdout, _ = build.communicate(timeout=TIMEOUT)
    assert "exports rewritten" in stdout  # another digest: it did not wait
    wait_for_one(third)
    assert outputs(out) == clean(store, tmp_path / "fresh")
    assert temporaries(out) == []


def wait_for_one(pid: int) -> None:
    began = time.perf_counter()
    while alive(pid):
        assert time.perf_counter() - began < TIMEOUT, f"exporter {pid} never finished"
        time.sleep(0.02)


def test_the_exporter_outlives_an_add_killed_after_the_map(store: Path, out: Path) -> None:
    """Killed just after its map is renamed into place, ``add`` leaves its exporter to finish.

    The add runs in short steps (as the kill trials below run the exporter) so that it is
    stopped within a step of the rename, long before it could end on its own.
    """
    args = [sys.executable, str(ROOT / "build_map.py"), "-q", *add_args(store, out, "2020-10-01")]
    mark = out / MAP_FILENAME
    inode = mark.stat().st_ino
    with subprocess.Popen(args, cwd=ROOT, stdout=subprocess.DEVNULL) as add:
        os.kill(add.pid, signal.SIGSTOP)
        try:
            step_until(add.pid, mark, inode)
        finally:
            add.kill()
    assert add.wait() == -signal.SIGKILL
    state = generation.inspect(out / CACHE_DIRNAME)
    assert state is not None
    wait_for_exports(out)
    summary = (out / "summary.json").read_text(encoding="utf-8")
    assert '"incidents": 17' in summary  # the exports of the store the add wrote


# --- kill trials of the detached exporter -----------------------------------------------------

#: Where each trial kills the exporter, by the file whose replacement it waits for.
MOMENTS = {
    "while preparing": None,
    "with everything prepared": None,
    "at the first layer renamed (publishing)": "layers/corridor.geojson",
    "at the first export renamed (publishing)": "incidents_classified.csv",
    # The record's two small files are written within a step or two: the kill lands before
    # its metadata (not recorded) or just after (recorded, the exports published whole).
    "at the exports record": ".cache/exports.bin",
}


@pytest.mark.parametrize("moment", list(MOMENTS))
def test_a_killed_exporter_leaves_old_or_new_files_and_the_next_build_rewrites_them(
    store: Path, out: Path, tmp_path: Path, moment: str
) -> None:
    old = outputs(out)
    target = MOMENTS[moment]
    mark = out / target if target is not None else None
    inode = mark.stat().st_ino if mark is not None else 0
    with exports_lock_held(out):  # the exporter cannot publish until the trial lets it
        pid = exporter_pid(cli(*add_args(store, out, "2020-10-01")))
        if moment != "while preparing":
            wait_until_blocked(pid)
        os.kill(pid, signal.SIGSTOP)
    try:
        step_until(pid, mark, inode)
    finally:
        signal_if_alive(pid, signal.SIGKILL)
    wait_for_one(pid)
    new = clean(store, tmp_path / "fresh")
    for name, now in outputs(out).items():
        assert now in {old[name], new[name]}, f"{moment}: {name} is neither old nor new"
    for name in temporaries(out):  # an interrupted write: beside its file, never in its place
        assert re.fullmatch(r"\.(.+)\.\w{8}\.(tmp|gpkg(-journal|-wal|-shm)?)", name), name
    stale = [f.detail.startswith("exports are stale") and not f.ok for f in check_exports(out)]
    assert stale == [True] or moment == "at the exports record", stale
    rebuilt = cli("--incidents", str(store), "--out", str(out))
    recorded = moment == "at the exports record" and "nothing changed" in rebuilt.stdout
    assert recorded or "exports rewritten" in rebuilt.stdout, rebuilt.stdout
    assert outputs(out) == new
    assert "nothing changed" in cli("--incidents", str(store), "--out", str(out)).stdout


def step_until(pid: int, mark: Path | None, inode: int) -> None:
    """Let the stopped process run in short steps until ``mark`` is replaced (then stop)."""
    began = time.perf_counter()
    while mark is not None and not inode_changed(mark, inode):
        assert alive(pid), f"{pid} ended before replacing {mark}"
        assert time.perf_counter() - began < TIMEOUT
        os.kill(pid, signal.SIGCONT)
        time.sleep(0.0005)
        os.kill(pid, signal.SIGSTOP)


def inode_changed(path: Path, inode: int) -> bool:
    try:
        return path.stat().st_ino != inode
    except FileNotFoundError:
        return False


def test_a_failed_exporter_leaves_its_error_for_doctor(store: Path, out: Path) -> None:
    """Nobody waits for the exporter: its error is kept, and doctor says why it is stale."""
    csv_path = out / "incidents_classified.csv"
    csv_path.unlink()
    csv_path.mkdir()  # a folder where the export goes: publishing it fails
    result = cli(*add_args(store, out, "2020-10-02"))
    wait_for_one(exporter_pid(result))
    findings = check_exports(out)
    assert [f.ok for f in findings] == [False], findings
    assert "it failed: " in findings[0].detail, findings[0].detail
    assert "incidents_classified.csv" in findings[0].detail, findings[0].detail
    assert (out / MAP_FILENAME).is_file()  # the map the add wrote is there
