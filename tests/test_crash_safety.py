"""Crash safety: ``build_map.py`` killed with SIGKILL anywhere in a build or an add tears nothing.

Each test starts the real command line in a new process, waits a delay drawn from a seeded
generator (stratified over the whole lifetime of a normal run, measured first: from before
Python has started to the last moments before exit) and kills it with SIGKILL. After every
kill:

- the store is byte for byte as before, or holds exactly the completed add (the old rows
  plus one valid new row, spliced in);
- the map and every export are either byte-identical to the files before the kill or equal
  to what a clean build of the store on disk writes (the map byte for byte: builds are
  deterministic; the GeoPackage by content, since GDAL stamps each layer with its write
  time);
- a normal build afterwards succeeds and writes exactly the clean build's files (nothing in
  ``.cache`` wedges it), and the build after that finds nothing to do.

A few more kills are aimed at the moment a temporary file appears (the store, the map, the
exports being written), which random delays rarely hit. The phase each kill landed in is
read from the files left behind and printed (``pytest -s``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyogrio
import pyogrio.raw

import build_map
from geo import generation
from geo.admin import AdminAreas
from geo.build import MAP_FILENAME, BuildResult
from geo.cache import CACHE_DIRNAME
from geo.datasets import DATA_DIR
from geo.incidents import load_store
from geo.incidents.table import parse_table, read_table
from geo.places import load_places
from layers.incident_data import incident_ids
from tests.builds import build_as_cli

ROOT = Path(build_map.__file__).resolve().parent
SCRIPT = ROOT / "build_map.py"
BUNDLED_STORE = DATA_DIR / "incidents.csv"
SEED = 20200305
#: Random-delay kills per test (two tests: at least 50 in all).
KILLS = 25
#: Further random delays allowed when a late one finds the process already gone.
SPARE_DELAYS = 15
GPKG = "idlib.gpkg"
EXPORTS = ("incidents_classified.csv", "layers/incidents.geojson", GPKG, "summary.json")
STATIC_LAYERS = (
    "layers/m4.geojson",
    "layers/patrol_segment.geojson",
    "layers/corridor.geojson",
    "layers/corridor_north_south_band.geojson",
)
OUTPUTS = (MAP_FILENAME, *EXPORTS, *STATIC_LAYERS)
#: A temporary file of geo.atomic or ExportWriter: hidden, named after its target.
TEMP_FILE = re.compile(r"^\.(?P<target>.+)\.[A-Za-z0-9_]{8}\.(tmp|gpkg)(-journal|-wal|-shm)?$")
CACHE_ENTRIES = {"page.bin", "map.json", "exports.json"}
NEW_ROW_TYPE = "Shelling/artillery/missile attack"
ADMIN = AdminAreas.load(DATA_DIR / "admin")
PLACES = {place.place_id: place for place in load_places(DATA_DIR / "places.csv")}


# --- files and references ------------------------------------------------------------------


def run_build(store: Path, out: Path) -> BuildResult:
    """A normal build as ``build_map.py`` runs it, as a new process would start (no memory)."""
    return build_as_cli(store, out, new_process=True)


def read_outputs(out: Path) -> dict[str, bytes | None]:
    return {name: (out / name).read_bytes() if (out / name).is_file() else None for name in OUTPUTS}


def gpkg_content(path: Path) -> list[Any]:
    """Every layer of a GeoPackage: name, fields, geometries and values (not GDAL's timestamps)."""
    layers: list[Any] = []
    for name, kind in pyogrio.list_layers(path).tolist():
        meta, _, geometry, columns = pyogrio.raw.read(path, layer=name)
        values = [
            [None if isinstance(v, float) and math.isnan(v) else v for v in column.tolist()]
            for column in columns
        ]
        shapes = [] if geometry is None else geometry.tolist()  # layer_styles has none
        layers.append((name, kind, meta["fields"].tolist(), shapes, values))
    return layers


def map_incident_ids(html: bytes) -> list[str]:
    """Decode the page's packed incident data (as js/incidents.js does); return the ids."""
    return incident_ids(html.decode("utf-8"))


def store_ids_in_map_order(store: Path) -> list[str]:
    table = read_table(store)
    return [
        event_id
        for _, event_id in sorted(
            zip(table.data["event_date"], table.data["event_id_cnty"], strict=True)
        )
    ]


@dataclass
class Reference:
    """The files of a clean, un-killed build of one store."""

    out: Path
    files: dict[str, bytes | None]
    gpkg: list[Any]


def clean_build(store: Path, out: Path, *, exporter_of: Path | None = None) -> Reference:
    """Build ``store`` into an empty folder and check that the page is complete.

    With ``exporter_of``, wait then for a detached process writing the exports there: an
    add returns once the map is written, its exports following.
    """
    if exporter_of is not None:
        wait_for_exporter(exporter_of)
    shutil.rmtree(out, ignore_errors=True)
    run_build(store, out)
    files = read_outputs(out)
    html = files[MAP_FILENAME]
    assert html is not None
    assert html.startswith(b"<!DOCTYPE html>")
    assert html.endswith(b"</html>")
    assert map_incident_ids(html) == store_ids_in_map_order(store)
    assert all(files[name] is not None for name in OUTPUTS)
    return Reference(out=out, files=files, gpkg=gpkg_content(out / GPKG))


def leftovers(*folders: Path) -> set[Path]:
    """Hidden files (temporary files of interrupted writes) anywhere under ``folders``."""
    return {
        path
        for folder in folders
        if folder.exists()
        for path in folder.rglob(".*")
        if path.is_file()
    }


def damaged_cache_entries(out: Path) -> list[str]:
    """Cache entries whose payload does not match the SHA-256 in their metadata."""
    damaged = []
    for meta_path in sorted((out / CACHE_DIRNAME).glob("*.json")):
        payload = meta_path.with_suffix(".bin")
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            ok = meta["sha256"] == hashlib.sha256(payload.read_bytes()).hexdigest()
        except (OSError, ValueError, KeyError):
            ok = False
        if not ok:
            damaged.append(meta_path.stem)
    return damaged


# --- killing -------------------------------------------------------------------------------


@dataclass
class Run:
    """One run of the command line: killed or not, after how long, and its stderr."""

    killed: bool
    seconds: float
    returncode: int
    stderr: str


def start(args: list[str], log: Path) -> tuple[subprocess.Popen[bytes], float]:
    with log.open("wb") as handle:
        proc = subprocess.Popen(
            [sys.executable, str(SCRIPT), "-q", *args],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=handle,
        )
    return proc, time.perf_counter()


def finish(proc: subprocess.Popen[bytes], started: float, log: Path) -> Run:
    try:
        returncode = proc.wait(timeout=120)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        raise AssertionError(f"{proc.args!r} hung (a lock never released?)") from None
    seconds = time.perf_counter() - started
    return Run(
        killed=returncode == -signal.SIGKILL,
        seconds=seconds,
        returncode=returncode,
        stderr=log.read_text(encoding="utf-8", errors="replace"),
    )


def run_and_kill(args: list[str], delay: float, log: Path) -> Run:
    """Start the command, SIGKILL it ``delay`` seconds later unless it has ended by then."""
    proc, started = start(args, log)
    try:
        time.sleep(max(0.0, delay - (time.perf_counter() - started)))
    finally:
        proc.kill()  # no effect on a process that has ended
    return finish(proc, started, log)


def run_and_kill_on(args: list[str], folder: Path, target: str, log: Path) -> Run:
    """Start the command, SIGKILL it as soon as a new temporary file for ``target`` appears."""
    old = set(names_in(folder))
    proc, started = start(args, log)
    try:
        while proc.poll() is None and time.perf_counter() - started < 60:
            if any(n.startswith(f".{target}.") for n in set(names_in(folder)) - old):
                break
    finally:
        proc.kill()  # no effect on a process that has ended
    return finish(proc, started, log)


def names_in(folder: Path) -> list[str]:
    try:
        return [path.name for path in folder.iterdir()]
    except FileNotFoundError:  # not created yet
        return []


def seeded(seed: int) -> random.Random:
    return random.Random(seed)  # noqa: S311 - reproducible delays, not secrets


def stratified_delays(rng: random.Random, count: int) -> list[float]:
    """``count`` fractions of a run's lifetime, one in each equal slice of [0, 1), shuffled."""
    fractions = [(i + rng.random()) / count for i in range(count)]
    rng.shuffle(fractions)
    return fractions


def timed_normal_run(args: list[str], log: Path) -> float:
    proc, started = start(args, log)
    run = finish(proc, started, log)
    assert run.returncode == 0, run.stderr
    return run.seconds


# --- what a kill left ----------------------------------------------------------------------


@dataclass
class Outcome:
    """What one kill (or a run that ended first) left behind."""

    label: str
    fraction: float | None
    run: Run
    phase: str
    damaged_cache: list[str] = field(default_factory=list)
    new_leftovers: list[str] = field(default_factory=list)


def file_states(
    out: Path, old: dict[str, bytes | None], new: Reference, problems: list[str]
) -> dict[str, str]:
    """Say for every output whether it is the old file or the new one; anything else is torn."""
    states = {}
    for name in OUTPUTS:
        path = out / name
        now = path.read_bytes() if path.is_file() else None
        if now == old[name] and now == new.files[name]:
            states[name] = "same"
        elif now == old[name]:
            states[name] = "old"
        elif now == new.files[name] or (
            name == GPKG and now is not None and gpkg_content(path) == new.gpkg
        ):
            states[name] = "new"
        else:
            size = "missing" if now is None else f"{len(now):,} bytes, ends {now[-40:]!r}"
            problems.append(f"{name} is neither the old file nor the new one ({size})")
            states[name] = "torn"
    html = (out / MAP_FILENAME).read_bytes() if (out / MAP_FILENAME).is_file() else None
    if html is not None and states[MAP_FILENAME] != "torn":
        map_incident_ids(html)  # the incident data decodes
    return states


def phase_of(states: dict[str, str], store_written: bool | None, temps: list[str]) -> str:
    """Name the phase a kill landed in from the files it left (and the temporary files)."""
    targets = {m["target"] for name in temps if (m := TEMP_FILE.match(Path(name).name))}
    exports = [states[name] for name in EXPORTS if states[name] != "same"]
    if store_written is False:
        return "during the store write" if "incidents.csv" in targets else "before the store write"
    prefix = "store written, " if store_written else ""
    if states[MAP_FILENAME] == "old":
        during = " (killed during the map write)" if MAP_FILENAME in targets else ""
        return f"{prefix}map not yet replaced{during}"
    if all(state == "old" for state in exports):
        written = any(t in targets for t in ("incidents_classified.csv", "summary.json", GPKG))
        return prefix + "map replaced, exports not yet" + (" (during them)" if written else "")
    if all(state == "new" for state in exports):
        return prefix + "map and exports replaced (cache record / exit)"
    return prefix + "map replaced, exports partly renamed"


def check_recovery(store: Path, out: Path, expected: Reference) -> None:
    """A normal build after the kill writes the clean build's files; the next does nothing."""
    result = run_build(store, out)
    assert result.incidents == len(read_table(store))
    assert_files(out, expected)
    files = read_outputs(out)
    again = run_build(store, out)
    assert again.unchanged, "the build after the recovery build did work again"
    assert read_outputs(out) == files


def report(title: str, outcomes: list[Outcome], leftover: set[Path], seconds: float) -> None:
    kills = [o for o in outcomes if o.run.killed]
    head = (
        f"{title}: {len(outcomes)} runs, {len(kills)} killed ({random_kills(outcomes)} at random "
        f"delays), {len(outcomes) - len(kills)} ended before the kill; {seconds:.0f} s"
    )
    lines = [head]
    for phase, count in sorted(Counter(o.phase for o in kills).items()):
        at = sorted(o.fraction for o in kills if o.phase == phase and o.fraction is not None)
        span = f" (at {at[0]:.2f}-{at[-1]:.2f} of a normal run)" if at else ""
        lines.append(f"  {count:3d}  {phase}{span}")
    damaged = Counter(name for o in kills for name in o.damaged_cache)
    lines.append(
        f"  cache entries left damaged (payload ≠ checksum), then rebuilt: {dict(damaged)}"
    )
    aimed = [o for o in outcomes if o.label not in {"random", "spare"}]
    lines += [f"  aimed at {o.label}: {o.phase}" for o in aimed]
    size = sum(path.stat().st_size for path in leftover)
    names = Counter(TEMP_FILE.sub(r".\g<target>.*", path.name) for path in leftover)
    lines.append(f"  temporary files left behind: {len(leftover)} ({size:,} bytes): {dict(names)}")
    print("\n".join(lines))  # noqa: T201


def check_leftovers(leftover: set[Path]) -> None:
    """Interrupted writes leave only hidden temporary files named after a file beside them."""
    for path in leftover:
        match = TEMP_FILE.match(path.name)
        assert match is not None, f"unexpected file {path}"
        assert (path.parent / match["target"]).is_file(), f"{path}: no such target"


@dataclass
class Trial:
    """How one run is killed: at a fraction of a normal run's duration, or on a temp file."""

    label: str
    fraction: float | None = None
    target: str = ""
    #: For builds: delete ``.cache`` first (a cold build renders the page and reads all rows).
    cold: bool = False


def temp_folder(trial: Trial, out: Path, store: Path) -> Path:
    """Where the temporary file for ``trial.target`` appears."""
    if trial.target == store.name:
        return store.parent
    return out / CACHE_DIRNAME if trial.target in CACHE_ENTRIES else out


def kill(trial: Trial, args: list[str], seconds: float, folder: Path, log: Path) -> Run:
    if trial.fraction is not None:
        return run_and_kill(args, trial.fraction * seconds, log)
    return run_and_kill_on(args, folder, trial.target, log)


def schedule(rng: random.Random, aimed: list[Trial]) -> list[Trial]:
    """Stratified random delays, spare delays (used while kills are short), then aimed kills."""
    trials = [Trial("random", fraction) for fraction in stratified_delays(rng, KILLS)]
    trials += [Trial("spare", rng.uniform(0.3, 0.95)) for _ in range(SPARE_DELAYS)]
    return trials + aimed


def random_kills(outcomes: list[Outcome]) -> int:
    return sum(o.run.killed and o.label in {"random", "spare"} for o in outcomes)


def check_run(run: Run) -> None:
    if run.killed:
        assert "Traceback" not in run.stderr, run.stderr
    else:
        assert run.returncode == 0, run.stderr


# --- builds --------------------------------------------------------------------------------


def test_sigkill_during_builds_leaves_old_or_new_files(tmp_path: Path) -> None:
    """Kill rebuilds after a change of the store (warm cache; every fifth without a cache)."""
    began = time.perf_counter()
    store_dir, out, refs = tmp_path / "store", tmp_path / "out", tmp_path / "refs"
    store_dir.mkdir()
    store = store_dir / "incidents.csv"
    store.write_bytes(BUNDLED_STORE.read_bytes())
    add = ["--date", "2020-10-01", "--place", "Ariha", "--type", "shelling", "--source", "B"]
    assert build_map.main(["-q", "add", "--incidents", str(store), "--no-build", *add]) == 0
    versions = [BUNDLED_STORE.read_bytes(), store.read_bytes()]  # 16 rows, 17 rows
    references = []
    for i, version in enumerate(versions):
        store.write_bytes(version)
        references.append(clean_build(store, refs / str(i)))
    log = tmp_path / "stderr.txt"
    args = ["--incidents", str(store), "--out", str(out)]

    # A normal run of each kind, timed. The command line writes the clean build's files:
    # builds are deterministic (the GeoPackage too, its GDAL timestamps fixed; compared by content).
    store.write_bytes(versions[0])
    cold_s = timed_normal_run(args, log)
    assert_files(out, references[0])
    same_gpkg = (out / GPKG).read_bytes() == references[0].files[GPKG]
    store.write_bytes(versions[1])
    warm_s = timed_normal_run(args, log)
    assert_files(out, references[1])
    print(  # noqa: T201
        f"normal runs: cold build {cold_s:.2f} s, rebuild after a change {warm_s:.2f} s; "
        f"the command line wrote the clean build's files byte for byte, the GeoPackage "
        f"{'too' if same_gpkg else 'by content only (GDAL timestamps its layers)'}"
    )
    current = 1

    aimed = [
        Trial("the page cache write", target="page.bin", cold=True),
        Trial("the map write", target=MAP_FILENAME),
        Trial("the map record", target="map.json"),
        Trial("the exports", target="summary.json"),
        Trial("the GeoPackage", target=GPKG),
        Trial("the exports record", target="exports.json"),
    ]
    outcomes: list[Outcome] = []
    for step, trial in enumerate(schedule(seeded(SEED), aimed), start=1):
        if trial.label == "spare" and random_kills(outcomes) >= KILLS:
            continue
        current = 1 - current
        store.write_bytes(versions[current])  # the other version: the build has work to do
        cold = trial.cold or step % 5 == 0
        if cold:
            shutil.rmtree(out / CACHE_DIRNAME)
        old_files, before = read_outputs(out), leftovers(out, store_dir)
        run = kill(trial, args, cold_s if cold else warm_s, temp_folder(trial, out, store), log)
        check_run(run)
        if not run.killed and trial.fraction is not None:  # faster than timed: aim earlier
            cold_s, warm_s = (
                (min(cold_s, run.seconds), warm_s) if cold else (cold_s, min(warm_s, run.seconds))
            )
        problems: list[str] = []
        states = file_states(out, old_files, references[current], problems)
        assert not problems, f"kill {step}: {problems}"
        assert store.read_bytes() == versions[current], "a build changed the store"
        temps = sorted(str(p.relative_to(tmp_path)) for p in leftovers(out, store_dir) - before)
        phase = phase_of(states, None, temps) if run.killed else "ended before the kill"
        outcomes.append(
            Outcome(trial.label, trial.fraction, run, phase, damaged_cache_entries(out), temps)
        )
        check_recovery(store, out, references[current])
    leftover = leftovers(out, store_dir)
    report("builds", outcomes, leftover, time.perf_counter() - began)
    assert random_kills(outcomes) >= KILLS
    check_leftovers(leftover)


def assert_files(out: Path, expected: Reference) -> None:
    files = read_outputs(out)
    for name in OUTPUTS:
        if name == GPKG:
            assert gpkg_content(out / GPKG) == expected.gpkg
        else:
            assert files[name] == expected.files[name], f"{name} differs from a clean build"


# --- adds ----------------------------------------------------------------------------------


def test_sigkill_during_adds_leaves_old_or_completed_store_and_files(tmp_path: Path) -> None:
    """Kill ``add`` (the store written under the lock, then the rebuild) at random points."""
    began = time.perf_counter()
    store_dir, out, refs = tmp_path / "store", tmp_path / "out", tmp_path / "refs"
    store_dir.mkdir()
    store = store_dir / "incidents.csv"
    store.write_bytes(BUNDLED_STORE.read_bytes())
    taken = set(read_table(store).data["event_date"])
    run_build(store, out)
    log = tmp_path / "stderr.txt"
    places = ["Ariha", "Saraqib", "Sarmin", "Kansafra", "Bdama", "Jisr al-Shughur"]

    def add_args(step: int) -> list[str]:
        day = (dt.date(2019, 1, 3) + dt.timedelta(days=11 * step)).isoformat()
        assert day not in taken  # a new date: the add is never refused as a duplicate
        return [
            "add", "--incidents", str(store), "--out", str(out),
            "--date", day, "--place", places[step % len(places)], "--type", "shelling",
            "--source", f"Crash test {step}", "--notes", f"added by kill {step}",
            "--fatalities", str(step % 3),
        ]  # fmt: skip

    # A normal add and rebuild, timed: it writes what a clean build of the new store writes.
    add_s = timed_normal_run(add_args(0), log)
    print(f"normal run: add and rebuild {add_s:.2f} s")  # noqa: T201
    current = clean_build(store, refs / "0", exporter_of=out)
    assert_files(out, current)

    aimed = [
        Trial("the store write", target="incidents.csv"),
        Trial("the map write", target=MAP_FILENAME),
        Trial("the exports", target="summary.json"),
        Trial("the exports record", target="exports.json"),
    ]
    outcomes: list[Outcome] = []
    for step, trial in enumerate(schedule(seeded(SEED + 1), aimed), start=1):
        if trial.label == "spare" and random_kills(outcomes) >= KILLS:
            continue
        old_store, old_files, before = store.read_bytes(), read_outputs(out), leftovers(out)
        before |= leftovers(store_dir)
        args = add_args(step)
        run = kill(trial, args, add_s, temp_folder(trial, out, store), log)
        check_run(run)
        if not run.killed and trial.fraction is not None:
            # The machine was busier when the normal run was timed: aim at the faster run.
            add_s = min(add_s, run.seconds)
        written = store.read_bytes() != old_store
        if written:
            check_one_row_added(store, old_store, args)
            expected = clean_build(store, refs / str(step))
        else:
            expected = current  # the killed add wrote nothing, so it built nothing
        problems: list[str] = []
        states = file_states(out, old_files, expected, problems)
        assert not problems, f"kill {step}: {problems}"
        assert written or set(states.values()) <= {"old", "same"}, states
        temps = sorted(str(p.relative_to(tmp_path)) for p in leftovers(out, store_dir) - before)
        phase = phase_of(states, written, temps) if run.killed else "ended before the kill"
        outcomes.append(
            Outcome(trial.label, trial.fraction, run, phase, damaged_cache_entries(out), temps)
        )
        check_recovery(store, out, expected)
        if expected is not current:
            shutil.rmtree(current.out)
            current = expected
    load_store(store, admin=ADMIN, places=PLACES)  # what the kills left passes validation
    leftover = leftovers(out, store_dir)
    report("adds", outcomes, leftover, time.perf_counter() - began)
    assert random_kills(outcomes) >= KILLS
    check_leftovers(leftover)


def wait_for_exporter(out: Path) -> None:
    """Wait until no detached process writes exports into ``out`` (its lock is let go)."""
    began = time.perf_counter()
    while (state := generation.inspect(out / CACHE_DIRNAME)) is not None and state.running:
        assert time.perf_counter() - began < 120, "the exporter never finished"
        time.sleep(0.02)


def check_one_row_added(store: Path, old_store: bytes, args: list[str]) -> None:
    """The store holds the old rows plus exactly the new one, spliced in, and it is valid."""
    old_table = parse_table(old_store.decode("utf-8-sig"), store)
    table = read_table(store)
    assert table.columns == old_table.columns
    old_rows = {tuple(old_table.row(i).values()) for i in range(len(old_table))}
    rows = [tuple(table.row(i).values()) for i in range(len(table))]
    new = [row for row in rows if row not in old_rows]
    assert len(rows) == len(old_rows) + 1
    assert len(new) == 1, new
    added = dict(zip(table.columns, new[0], strict=True))
    numbers = [int(v.rsplit("-", 1)[1]) for v in old_table.data["event_id_cnty"]]
    assert added["event_id_cnty"] == f"SYR-IDL-{max(numbers) + 1:06d}"
    assert added["event_date"] == args[args.index("--date") + 1]
    assert added["source"] == args[args.index("--source") + 1]
    assert added["sub_event_type"] == NEW_ROW_TYPE
    lines = store.read_bytes().splitlines(keepends=True)
    kept = [line for line in lines if not line.startswith(added["event_id_cnty"].encode())]
    assert b"".join(kept) == old_store, "the add changed other bytes of the store"
    load_store(store, admin=ADMIN, places=PLACES)
