"""Concurrency: adds from several processes at once all land, and builds meanwhile are consistent.

Four worker processes make 50 adds each, all at once, on one store: worker 0 through the
command line's entry point (``build_map.main(["add", ..., "--no-build"])``), the others as
``build_map._cmd_add`` does (``prepare_row`` then ``add_rows``) with the gazetteer loaded
once, so that the store's lock is contended nearly all the time. A fifth process builds the
map in a loop meanwhile (in one process as ``--watch`` does, every other build forgetting
what it remembers, as a new process would) and keeps a copy of every map and export it
writes. Afterwards:

- the store holds exactly the 200 new rows (ids unique, each add's own data, date order),
  and passes the build's validation;
- every map written during the adds shows the store as it was at one instant: the bundled
  rows plus the first *k* new ids (ids are handed out under the store's lock, max + 1), and
  is byte for byte the map a build of that store writes; every export file likewise holds
  one such state.

The last two tests land a change of the store at a chosen moment of one build: they guard
two ways a build described a store that was never on disk as it recorded it (both fixed).

This supersedes ``tests/test_incidents.py::test_concurrent_adds_all_land`` (six adds) in
scale; that test stays as the quick check through six separate CLI processes.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyogrio.raw
import pytest

import build_map
import geo.build
import geo.store.csv_store
from geo.admin import AdminAreas
from geo.build import MAP_FILENAME, BuildResult
from geo.datasets import DATA_DIR
from geo.incidents import load_store
from geo.incidents.store import read_store
from geo.incidents.table import IncidentTable, read_table
from geo.places import load_places
from layers.incident_data import incident_ids
from tests.builds import build_as_cli

ROOT = Path(build_map.__file__).resolve().parent
BUNDLED_STORE = DATA_DIR / "incidents.csv"
WORKERS = 4
ADDS_PER_WORKER = 50
ID_PREFIX = "SYR-IDL-"
PLACES = ("Ariha", "Saraqib", "Sarmin", "Kansafra", "Bdama", "Jisr al-Shughur", "Sarja")
TYPES = ("shelling", "airstrike", "drone", "ied", "clash")
EXPORTS = ("incidents_classified.csv", "layers/incidents.geojson", "idlib.gpkg", "summary.json")
SUB_EVENT_TYPES = {
    "shelling": "Shelling/artillery/missile attack",
    "airstrike": "Air/drone strike",
    "drone": "Air/drone strike",
    "ied": "Remote explosive/landmine/IED",
    "clash": "Armed clash",
}
ADMIN = AdminAreas.load(DATA_DIR / "admin")
PLACES_BY_ID = {place.place_id: place for place in load_places(DATA_DIR / "places.csv")}
PLACES_BY_NAME = {place.name_en: place for place in PLACES_BY_ID.values()}

#: A worker: wait for the start signal, then make its adds. Worker 0 goes through the command
#: line's entry point (`build_map.main(["add", ..., "--no-build"])`, which loads the gazetteer
#: for every add); the others do what build_map._cmd_add does with the gazetteer loaded once,
#: so the store's lock is contended most of the time.
WORKER = """
import json, sys, time
from pathlib import Path

plan = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
sys.path.insert(0, plan["root"])
import build_map
from geo.admin import AdminAreas
from geo.datasets import DATA_DIR
from geo.gazetteer import load_gazetteer
from geo.incidents.add import NewIncident, add_rows, prepare_row

store = Path(plan["store"])
gazetteer = load_gazetteer(data_dir=DATA_DIR)
admin = AdminAreas.load(DATA_DIR / "admin")
places = {place.place_id: place for place in gazetteer.places}
Path(plan["ready"]).touch()
while not Path(plan["go"]).exists():
    time.sleep(0.002)
for add in plan["adds"]:
    if plan["cli"]:
        args = [f"--{name}={value}" for name, value in add.items()]
        status = build_map.main(["-q", "add", "--incidents", str(store), "--no-build", *args])
        if status != 0:
            sys.exit(f"add {add} returned {status}")
        continue
    new = NewIncident(date=add["date"], kind=add["type"], source=add["source"],
                      place=add["place"], notes=add["notes"], fatalities=add["fatalities"])
    rows = [("the new incident", prepare_row(new, gazetteer=gazetteer, admin=admin))]
    ids = add_rows(store, rows, admin=admin, places=places, force=False)
    for event_id, (_, row) in zip(ids, rows, strict=True):
        print(f"added {event_id}: {row['event_date']} {row['sub_event_type']} at {row['location']}")
"""

#: The builder: build the map in a loop until told to stop (then once more), keeping copies.
BUILDER = """
import json, shutil, sys, time
from pathlib import Path

plan = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
sys.path.insert(0, plan["root"])
from geo.build import STAGES, BuildSettings, build, forget
from geo.datasets import DATA_DIR
from geo.progress import Progress
from layers.compose import render_template
from layers.page import fill_page

out, snapshots = Path(plan["out"]), Path(plan["snapshots"])
settings = BuildSettings(data_dir=DATA_DIR, out=out, store=Path(plan["store"]))
Path(plan["ready"]).touch()
while not Path(plan["go"]).exists():
    time.sleep(0.002)
builds = []
while True:
    stopping = Path(plan["stop"]).exists()
    if len(builds) % 2:
        forget()  # as a new process: the static inputs are loaded again
    started = time.perf_counter()
    result = build(settings, render_template=render_template, fill_template=fill_page,
                   progress=Progress(stages=STAGES, enabled=False))
    builds.append({"unchanged": result.unchanged, "incidents": result.incidents,
                   "rejected": result.rejected,
                   "seconds": time.perf_counter() - started, "final": stopping})
    if result.unchanged:
        time.sleep(0.02)  # nothing to do yet: let the adders run
    else:
        copy = snapshots / f"{len(builds):04d}"
        for name in plan["files"]:
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(out / name, copy / name)
    if stopping:
        break
Path(plan["log"]).write_text(json.dumps(builds), encoding="utf-8")
"""


def run_build(store: Path, out: Path, *, exports: bool = True) -> BuildResult:
    return build_as_cli(store, out, exports=exports, new_process=True)


def map_incident_ids(html: str) -> list[str]:
    """Decode the page's packed incident data (as js/incidents.js does); return the ids."""
    return incident_ids(html)


def export_ids(folder: Path) -> dict[str, list[str]]:
    """The incident ids of each export in ``folder`` (the summary gives only a count)."""
    table = csv.DictReader(io.StringIO((folder / EXPORTS[0]).read_text(encoding="utf-8")))
    features = json.loads((folder / EXPORTS[1]).read_text(encoding="utf-8"))["features"]
    meta, _, _, fields = pyogrio.raw.read(folder / EXPORTS[2], layer="incidents")
    gpkg_ids = fields[meta["fields"].tolist().index("event_id_cnty")].tolist()
    total = json.loads((folder / EXPORTS[3]).read_text(encoding="utf-8"))["total"]["incidents"]
    return {
        EXPORTS[0]: [row["event_id_cnty"] for row in table],
        EXPORTS[1]: [feature["properties"]["event_id_cnty"] for feature in features],
        EXPORTS[2]: gpkg_ids,
        EXPORTS[3]: [""] * total,
    }


def new_count(ids: list[str], base: set[str], new: list[str]) -> int:
    """Return k if ``ids`` are the base ids plus the first k new ids (in any order), else -1."""
    k = len(ids) - len(base)
    ok = len(set(ids)) == len(ids) and 0 <= k <= len(new) and set(ids) == base | set(new[:k])
    return k if ok else -1


def event_dates(count: int, taken: set[str]) -> list[str]:
    """``count`` dates every other day from June 2019, none a date already in the store."""
    dates: list[str] = []
    day = dt.date(2019, 6, 1)
    while len(dates) < count:
        if day.isoformat() not in taken:
            dates.append(day.isoformat())
        day += dt.timedelta(days=2)
    return dates


def wait_for(paths: list[Path], procs: list[subprocess.Popen[bytes]]) -> None:
    deadline = time.perf_counter() + 120
    while not all(path.exists() for path in paths):
        failed = [proc.args for proc in procs if proc.poll() is not None]
        assert not failed, f"a process ended before the start: {failed}"
        assert time.perf_counter() < deadline, "processes did not start"
        time.sleep(0.01)


@dataclass
class Scenario:
    """What the concurrent adds and the builder left."""

    folder: Path
    store: Path
    out: Path
    base_table: IncidentTable
    new_ids: list[str]
    asked: dict[str, dict[str, Any]]
    outputs: list[Path]
    builds: list[dict[str, Any]]
    adds_seconds: float


@pytest.fixture(scope="module")
def concurrent_adds(tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    """Start 4 adders (50 adds each) and a builder at once; return when all have ended."""
    tmp_path = tmp_path_factory.mktemp("concurrent")
    store_dir, out = tmp_path / "store", tmp_path / "out"
    store_dir.mkdir()
    store = store_dir / "incidents.csv"
    store.write_bytes(BUNDLED_STORE.read_bytes())
    base_table = read_table(store)
    base = base_table.data["event_id_cnty"]
    first = 1 + max(int(v.removeprefix(ID_PREFIX)) for v in base)
    new_ids = [f"{ID_PREFIX}{first + k:06d}" for k in range(WORKERS * ADDS_PER_WORKER)]
    run_build(store, out)  # the map before the adds; the builder starts from it
    (tmp_path / "worker.py").write_text(WORKER, encoding="utf-8")
    (tmp_path / "builder.py").write_text(BUILDER, encoding="utf-8")
    go, stop = tmp_path / "go", tmp_path / "stop"
    asked = planned_adds(event_dates(len(new_ids), set(base_table.data["event_date"])))
    procs: list[subprocess.Popen[bytes]] = []
    ready: list[Path] = []
    outputs: list[Path] = []
    for worker in range(WORKERS):
        adds = list(asked.values())[worker * ADDS_PER_WORKER : (worker + 1) * ADDS_PER_WORKER]
        plan = {"store": str(store), "go": str(go), "adds": adds, "cli": worker == 0}
        procs.append(start_script(tmp_path, f"worker-{worker}", plan, ready, outputs))
    plan = {"store": str(store), "out": str(out), "snapshots": str(tmp_path / "snapshots"),
            "go": str(go), "stop": str(stop), "log": str(tmp_path / "builds.json"),
            "files": [MAP_FILENAME, *EXPORTS]}  # fmt: skip
    procs.append(start_script(tmp_path, "builder", plan, ready, outputs))
    try:
        wait_for(ready, procs)
        go.touch()  # all at once
        began = time.perf_counter()
        for proc in procs[:WORKERS]:
            proc.wait(timeout=200)
        adds_seconds = time.perf_counter() - began
        stop.touch()
        procs[-1].wait(timeout=60)
    finally:
        for proc in procs:
            proc.kill()  # only a process still running after a failure
    for proc, log in zip(procs, outputs, strict=True):
        err = log.with_suffix(".err").read_text(encoding="utf-8", errors="replace")
        assert proc.returncode == 0, err
    builds = json.loads((tmp_path / "builds.json").read_text(encoding="utf-8"))
    return Scenario(
        tmp_path, store, out, base_table, new_ids, asked, outputs[:WORKERS], builds, adds_seconds
    )


def test_concurrent_adds_all_land_once_with_their_own_data(concurrent_adds: Scenario) -> None:
    run = concurrent_adds
    check_store(run.store, run.base_table, run.new_ids, run.asked, run.outputs)


def test_maps_built_during_the_adds_show_the_store_at_one_instant(
    concurrent_adds: Scenario,
) -> None:
    run = concurrent_adds
    base = set(run.base_table.data["event_id_cnty"])
    seen, mismatched = check_builder_copies(run.folder, run.store, base, run.new_ids)
    assert len(seen) >= 2, "no build saw the store between the first and the last add"
    assert run.builds[-1]["final"]
    assert run.builds[-1]["incidents"] == len(base) + len(run.new_ids)
    final = (run.out / MAP_FILENAME).read_bytes()
    run_build(run.store, run.folder / "clean")
    assert final == (run.folder / "clean" / MAP_FILENAME).read_bytes()
    during = [b for b in run.builds if not b["final"]]
    print(  # noqa: T201
        f"{len(run.new_ids)} adds by {WORKERS} processes in {run.adds_seconds:.1f} s; "
        f"{len(during)} builds meanwhile ({sum(not b['unchanged'] for b in during)} wrote the "
        f"map, the others found nothing changed); {seen.total()} maps checked, showing "
        f"{len(seen)} distinct store states (from {min(seen)} to {max(seen)} new rows); "
        f"builds whose exports hold another state than their map: "
        f"{len({m.split()[1] for m in mismatched})} {mismatched[:2]}"
    )


def planned_adds(dates: list[str]) -> dict[str, dict[str, Any]]:
    """What every add gives, by its source (each on its own date: never a duplicate)."""
    adds = {}
    for k, day in enumerate(dates):
        worker, i = divmod(k, ADDS_PER_WORKER)
        source = f"worker {worker} add {i}"
        adds[source] = {
            "date": day, "place": PLACES[k % len(PLACES)], "type": TYPES[k % len(TYPES)],
            "source": source, "notes": f"concurrency test, worker {worker}", "fatalities": k % 4,
        }  # fmt: skip
    return adds


def check_store(
    store: Path,
    base_table: IncidentTable,
    new_ids: list[str],
    asked: dict[str, dict[str, Any]],
    outputs: list[Path],
) -> None:
    """Every add landed once, with its own data and an id from max + 1; the file is valid."""
    for worker, log in enumerate(outputs):
        printed = re.findall(r"^added (\S+): ", log.read_text(encoding="utf-8"), re.MULTILINE)
        assert len(printed) == ADDS_PER_WORKER, f"worker {worker} printed {len(printed)} ids"
        assert printed == sorted(printed), "a worker's later add got a lower id"
    table = read_table(store)
    ids = table.data["event_id_cnty"]
    base = base_table.data["event_id_cnty"]
    assert len(ids) == len(base) + len(new_ids)
    assert len(set(ids)) == len(ids)
    assert set(ids) == set(base) | set(new_ids)
    added = [table.row(i) for i in range(len(table)) if ids[i] not in base]
    assert sorted(row["source"] for row in added) == sorted(asked)
    for row in added:
        add = asked[row["source"]]
        got = (row["event_date"], row["sub_event_type"], row["notes"], row["fatalities"])
        want = (add["date"], SUB_EVENT_TYPES[add["type"]], add["notes"], str(add["fatalities"]))
        assert got == want, row
        assert row["location"] == PLACES_BY_NAME[add["place"]].name_en
    keys = list(zip(table.data["event_date"], ids, strict=True))
    assert keys == sorted(keys), "the store is not in date-then-id order"
    for i, event_id in enumerate(base):  # the bundled rows are untouched
        assert table.row(ids.index(event_id)) == base_table.row(i)
    load_store(store, admin=ADMIN, places=PLACES_BY_ID)  # the build's validation
    assert not list(store.parent.glob(".*")), "temporary files left beside the store"


def check_builder_copies(
    tmp_path: Path, store: Path, base: set[str], new_ids: list[str]
) -> tuple[Counter[int], list[str]]:
    """Every map the builder wrote is the store at one instant, byte for byte; so is each export.

    Returns how many maps showed each number of new rows, and the exports that hold another
    number of new rows than the map of the same build.
    """
    lines = store.read_bytes().splitlines(keepends=True)
    reference_out, reference_store = tmp_path / "reference", tmp_path / "prefix.csv"
    seen: Counter[int] = Counter()
    mismatched: list[str] = []
    for copy in sorted((tmp_path / "snapshots").iterdir()):
        html = (copy / MAP_FILENAME).read_text(encoding="utf-8")
        k = new_count(map_incident_ids(html), base, new_ids)
        assert k >= 0, f"build {copy.name}: the map is not the store at any one instant"
        seen[k] += 1
        # The store as it was with k new rows: adds splice lines in and leave the rest.
        later = tuple(event_id.encode() for event_id in new_ids[k:])
        reference_store.write_bytes(b"".join(line for line in lines if not line.startswith(later)))
        run_build(reference_store, reference_out, exports=False)
        assert html == (reference_out / MAP_FILENAME).read_text(encoding="utf-8"), copy.name
        for name, values in export_ids(copy).items():
            if name == EXPORTS[3]:
                exported = len(values) - len(base)
                assert 0 <= exported <= len(new_ids), f"{copy.name}/{name}"
            else:
                exported = new_count(values, base, new_ids)
                assert exported >= 0, f"{copy.name}/{name} is not the store at any one instant"
            if exported != k:
                mismatched.append(f"build {copy.name} {name}: {exported} new rows, map {k}")
    return seen, mismatched


def start_script(
    tmp_path: Path,
    name: str,
    plan: dict[str, Any],
    ready: list[Path],
    outputs: list[Path],
) -> subprocess.Popen[bytes]:
    """Start the worker or builder script with its plan; stdout and stderr go to files."""
    kind = name.partition("-")[0]
    plan["root"] = str(ROOT)
    plan["ready"] = str(tmp_path / f"{name}.ready")
    ready.append(tmp_path / f"{name}.ready")
    (tmp_path / f"{name}.json").write_text(json.dumps(plan), encoding="utf-8")
    outputs.append(tmp_path / f"{name}.out")
    with outputs[-1].open("wb") as stdout, (tmp_path / f"{name}.err").open("wb") as stderr:
        return subprocess.Popen(
            [sys.executable, str(tmp_path / f"{kind}.py"), str(tmp_path / f"{name}.json")],
            cwd=ROOT,
            stdout=stdout,
            stderr=stderr,
        )


# --- a store that changes while a build reads it ------------------------------------------
# The two tests below land a change of the store at a chosen moment of one build, through a
# wrapper around geo.build's read_store (what the build calls to read the store): the same
# interleavings the concurrent run above produces by chance.


def add_incident(store: Path, day: str, source: str) -> None:
    args = ["--date", day, "--place", "Ariha", "--type", "shelling", "--source", source]
    assert build_map.main(["-q", "add", "--incidents", str(store), "--no-build", *args]) == 0


def test_exports_hold_the_store_their_map_shows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An add landing after the build read the store for the map is in neither map nor exports.

    A bug this test found, now fixed: with the rows cached, :func:`geo.build.build` read the
    store a second time for the exports, so the exports (CSV, GeoJSON, GeoPackage, summary) of
    one build could hold incidents its map did not (in the concurrent run above, from a tenth
    to two thirds of the builds during the adds). A build now reads the store once
    (:func:`geo.incidents.store.read_store`) for its map and its exports.
    """
    store, out = tmp_path / "incidents.csv", tmp_path / "out"
    store.write_bytes(BUNDLED_STORE.read_bytes())
    run_build(store, out)
    add_incident(store, "2020-10-01", "first")  # the build below has work to do
    reads: list[Path] = []

    def read_then_add(path: Path) -> Any:
        rows = read_store(path)
        reads.append(path)
        if len(reads) == 1:  # another process adds an incident just after this read
            add_incident(store, "2020-10-02", "second")
        return rows

    monkeypatch.setattr(geo.store.csv_store, "read_store", read_then_add)
    result = run_build(store, out)
    map_ids = map_incident_ids((out / MAP_FILENAME).read_text(encoding="utf-8"))
    assert result.incidents == len(map_ids) == 17  # the store as the build read it
    for name, ids in export_ids(out).items():
        assert len(ids) == len(map_ids), (
            f"{name} holds {len(ids)} incidents, the map {len(map_ids)}"
        )


def test_a_build_records_the_store_it_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A store changed and changed back around a build must not leave a stale map trusted.

    A bug this test found, now fixed: :func:`geo.build.build` keyed its record of the map (and
    of the exports) by the digest of the store taken when it starts, but read the store again
    afterwards. An edit saved in between was built into the map under the old digest; once the
    edit was undone, the next build found "nothing changed" and kept a map with an incident
    that is not in the store. The record now uses the digest of the bytes the build read
    (taken with them, in :func:`geo.incidents.store.read_store`).
    """
    store, out = tmp_path / "incidents.csv", tmp_path / "out"
    store.write_bytes(BUNDLED_STORE.read_bytes())
    run_build(store, out)
    original = store.read_bytes()
    add_incident(store, "2020-10-01", "edit")
    edited = store.read_bytes()
    store.write_bytes(original)
    (out / MAP_FILENAME).unlink()  # the build below has work to do

    def edit_then_read(path: Path) -> Any:
        store.write_bytes(edited)  # saved after the build started, before it read the store
        return read_store(path)

    monkeypatch.setattr(geo.store.csv_store, "read_store", edit_then_read)
    run_build(store, out)
    monkeypatch.undo()
    store.write_bytes(original)  # the edit is undone
    run_build(store, out)
    map_ids = map_incident_ids((out / MAP_FILENAME).read_text(encoding="utf-8"))
    assert sorted(map_ids) == sorted(read_table(store).data["event_id_cnty"])
