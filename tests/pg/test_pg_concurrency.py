"""Concurrency on a database store: many analysts adding at once, and a build meanwhile.

Eight worker processes make 50 adds each, all at once, on one database store, each add its
own connection and transaction as ``build_map.py add`` makes it (``prepare_row`` then the
store's ``add``; the gazetteer is loaded once per worker, so the server is busy all the
time). Their events share dates and types across workers (so the per-event locks are
contended) but not places (so none is a repeat). A ninth process builds the map from the
database in a loop meanwhile. Afterwards:

- exactly 400 new rows, ids unique and from the sequence, each with its worker's data, and
  400 new history rows naming the worker as analyst;
- every map shows one consistent snapshot: each add that had finished before the build's
  read began is in it, none that began after the read ended is, each worker's adds are a
  prefix of its list, and the map is byte for byte the map built from a CSV of those rows.

Then the eight workers race, four times, to add the very same event: each time exactly one
lands and seven are refused as entered twice (the duplicate rule holds under concurrency).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import psycopg

import build_map
from geo.build import MAP_FILENAME
from geo.datasets import DATA_DIR
from geo.incidents.table import parse_table
from layers.incident_data import incident_ids
from tests.builds import build_as_cli

if TYPE_CHECKING:
    from tests.pg.conftest import PgStore

ROOT = Path(build_map.__file__).resolve().parent
WORKERS = 8
ADDS = 50
RACES = 4
PLACES = ("Ariha", "Saraqib", "Sarmin", "Kansafra", "Bdama", "Maarrat Misrin", "Binnish",
          "Taftanaz")  # fmt: skip
TYPES = ("shelling", "airstrike", "drone", "ied", "clash")

WORKER = """
import datetime as dt, json, sys, time
from pathlib import Path
plan = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
sys.path.insert(0, plan["root"])
from geo.admin import AdminAreas
from geo.datasets import DATA_DIR
from geo.gazetteer import load_gazetteer
from geo.incidents.add import DuplicateIncidentError, NewIncident, prepare_row
from geo.store.location import parse_location
from geo.store.open import open_store

gazetteer = load_gazetteer(data_dir=DATA_DIR)
admin = AdminAreas.load(DATA_DIR / "admin")
places = {place.place_id: place for place in gazetteer.places}
store = open_store(parse_location(plan["url"]))
Path(plan["ready"]).touch()
while not Path(plan["go"]).exists():
    time.sleep(0.002)
log = []
for add in plan["adds"]:
    new = NewIncident(date=add["date"], kind=add["type"], source=add["source"], place=add["place"])
    rows = [("the new incident", prepare_row(new, gazetteer=gazetteer, admin=admin))]
    start = time.monotonic()
    try:
        (event_id,) = store.add(rows, admin=admin, places=places, analyst=plan["analyst"])
    except DuplicateIncidentError as exc:
        event_id = "refused: " + str(exc)
    log.append({"source": add["source"], "id": event_id, "start": start, "end": time.monotonic()})
    if add is plan["adds"][-1] and plan.get("race"):  # then all race to add the same events
        Path(plan["ready"] + ".raced").touch()
        while not Path(plan["race_go"]).exists():
            time.sleep(0.002)
        plan["adds"].extend(plan.pop("race"))
Path(plan["log"]).write_text(json.dumps(log), encoding="utf-8")
"""

BUILDER = """
import json, shutil, sys, time
from pathlib import Path
plan = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
sys.path.insert(0, plan["root"])
from geo.store.location import parse_location
from geo.store.pg_store import DatabaseStore
from tests.builds import build_as_cli

reads = []
original = DatabaseStore.read_text
def timed(self):
    start = time.monotonic()
    text = original(self)
    reads.append((start, time.monotonic()))
    return text
DatabaseStore.read_text = timed

out = Path(plan["out"])
Path(plan["ready"]).touch()
while not Path(plan["go"]).exists():
    time.sleep(0.002)
builds = []
while not Path(plan["stop"]).exists() or not builds:
    result = build_as_cli(parse_location(plan["url"]), out, exports=False,
                          new_process=len(builds) % 2 == 1)
    if not result.unchanged:
        kept = Path(plan["maps"]) / f"{len(builds)}.html"
        shutil.copyfile(out / "idlib_map.html", kept)
        builds.append({"map": str(kept), "start": reads[-1][0], "end": reads[-1][1]})
Path(plan["log"]).write_text(json.dumps(builds), encoding="utf-8")
"""


def start(tmp_path: Path, name: str, script: str, plan: dict[str, Any]) -> subprocess.Popen[str]:
    plan_file = tmp_path / f"{name}.json"
    plan_file.write_text(json.dumps(plan), encoding="utf-8")
    return subprocess.Popen(
        [sys.executable, "-c", script, str(plan_file)], cwd=ROOT, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip


def wait_ready(tmp_path: Path, names: list[str]) -> None:
    deadline = time.monotonic() + 240
    while not all((tmp_path / f"{n}.ready").exists() for n in names):
        assert time.monotonic() < deadline, "workers did not start"
        time.sleep(0.05)


def finish(process: subprocess.Popen[str]) -> None:
    _, stderr = process.communicate(timeout=600)
    assert process.returncode == 0, stderr


def test_eight_processes_add_fifty_each_while_a_build_runs(
    pg_store: PgStore, tmp_path: Path
) -> None:
    assert build_map.main(["-q", "store", "push", str(DATA_DIR / "incidents.csv"),
                           pg_store.owner]) == 0  # fmt: skip
    go, stop, maps = tmp_path / "go", tmp_path / "stop", tmp_path / "maps"
    maps.mkdir()
    names = [f"worker{w}" for w in range(WORKERS)]
    workers = []
    for w, name in enumerate(names):
        adds = [
            {"date": f"2021-0{1 + j % 9}-{10 + j // 9:02d}", "type": TYPES[j % len(TYPES)],
             "place": PLACES[w], "source": f"worker {w} add {j}"}
            for j in range(ADDS)
        ]  # fmt: skip
        race = [{"date": f"2021-11-0{r + 1}", "type": "airstrike", "place": "Saraqib",
                 "source": f"worker {w} race {r}"} for r in range(RACES)]  # fmt: skip
        plan = {"root": str(ROOT), "url": pg_store.analyst, "adds": adds, "go": str(go),
                "ready": str(tmp_path / f"{name}.ready"), "log": str(tmp_path / f"{name}.log"),
                "analyst": f"worker {w}", "race": race, "race_go": str(tmp_path / "race")}  # fmt: skip
        workers.append(start(tmp_path, name, WORKER, plan))
    builder = start(tmp_path, "builder", BUILDER, {
        "root": str(ROOT), "url": pg_store.reader, "out": str(tmp_path / "out"),
        "maps": str(maps), "go": str(go), "stop": str(stop),
        "ready": str(tmp_path / "builder.ready"), "log": str(tmp_path / "builder.log"),
    })  # fmt: skip
    wait_ready(tmp_path, [*names, "builder"])
    go.touch()
    while not all((tmp_path / f"{n}.ready.raced").exists() for n in names):
        assert all(w.poll() is None for w in workers), "a worker stopped early"
        time.sleep(0.05)
    stop.touch()
    finish(builder)
    (tmp_path / "race").touch()
    for worker in workers:
        finish(worker)

    logs = [json.loads((tmp_path / f"{n}.log").read_text(encoding="utf-8")) for n in names]
    races = [log[ADDS:] for log in logs]
    logs = [log[:ADDS] for log in logs]
    for r in range(RACES):
        outcomes = [race[r]["id"] for race in races]
        landed = [o for o in outcomes if o.startswith("SYR-IDL-")]
        refused = [o for o in outcomes if o.startswith("refused: ")]
        assert len(landed) == 1, outcomes
        assert len(refused) == WORKERS - 1
        assert all(f"as {landed[0]}" in o for o in refused)
    added = [entry for log in logs for entry in log]
    ids = [entry["id"] for entry in added]
    assert len(ids) == len(set(ids)) == WORKERS * ADDS
    assert all(i.startswith("SYR-IDL-") and len(i) == len("SYR-IDL-000017") for i in ids)
    pulled = tmp_path / "pulled.csv"
    assert build_map.main(["-q", "store", "pull", pg_store.reader, str(pulled)]) == 0
    table = parse_table(pulled.read_text(encoding="utf-8"), pulled)
    assert len(table) == 16 + WORKERS * ADDS + RACES
    source_of = dict(zip(table.data["event_id_cnty"], table.data["source"], strict=True))
    assert all(source_of[e["id"]] == e["source"] for e in added)
    with psycopg.connect(pg_store.server.conninfo(pg_store.database)) as conn:
        history = conn.execute(
            "SELECT analyst, count(*) FROM idlib.incident_history WHERE operation = 'INSERT' "
            "AND analyst LIKE 'worker %' GROUP BY analyst ORDER BY analyst"
        ).fetchall()
    # One insert each in the history: 50 per worker, and the four races' winners.
    assert [name for name, _ in history] == [f"worker {w}" for w in range(WORKERS)]
    assert all(count >= ADDS for _, count in history)
    assert sum(count for _, count in history) == WORKERS * ADDS + RACES

    builds = json.loads((tmp_path / "builder.log").read_text(encoding="utf-8"))
    check_snapshots(builds, logs, pulled, tmp_path)


def check_snapshots(
    builds: list[dict[str, Any]], logs: list[list[dict[str, Any]]], pulled: Path, tmp_path: Path
) -> None:
    """Each map shows one state the store was in, and is the map of a CSV of that state."""
    assert len(builds) >= 2, "the builder should have mapped several states"
    checked = 0
    for build in builds:
        shown = set(incident_ids(Path(build["map"]).read_text(encoding="utf-8")))
        for log in logs:
            present = [e["id"] in shown for e in log]
            assert present == sorted(present, reverse=True), "a worker's adds must be a prefix"
            for e in log:
                if e["end"] < build["start"]:
                    assert e["id"] in shown, "an add finished before the read is missing"
                if e["start"] > build["end"]:
                    assert e["id"] not in shown, "an add begun after the read is in the map"
        if checked < 3 and (checked == 0 or build is builds[-1] or len(shown) % 2):
            # The map is the map of a CSV store holding exactly those rows.
            state = parse_table(pulled.read_text(encoding="utf-8"), pulled)
            keep = [i for i, e in enumerate(state.data["event_id_cnty"]) if e in shown]
            subset = tmp_path / f"state{checked}.csv"
            lines = pulled.read_text(encoding="utf-8").splitlines(keepends=True)
            subset.write_text(lines[0] + "".join(lines[i + 1] for i in keep), encoding="utf-8")
            out = tmp_path / f"state{checked}"
            build_as_cli(subset, out, exports=False, new_process=True)
            assert (out / MAP_FILENAME).read_bytes() == Path(build["map"]).read_bytes()
            checked += 1
