"""The database store against the CSV store, measured in the same run (``make bench-pgstore``).

Starts its own PostgreSQL with PostGIS (as the tests do: ``tests/pgserver.py``), pushes a
synthetic store (``bench/synthetic.py``, 100,000 rows by default) into it, then measures:

- **reading the store**: the CSV file's bytes vs one COPY from the database, each split into
  records as the build does (median of 7, alternating);
- **a build**, whole process (Python start included) with an empty cache, ``--no-exports``
  and with the exports, from the database vs from the CSV (5 alternating pairs: the median
  and least difference of a pair); the maps must be byte for byte the same;
- **pushes**: the file into the empty store, the same file again (all unchanged), and the
  file with every row's notes edited (all updated, one history entry each);
- **concurrent adds**: 8 processes × 50 adds at once (each add its own connection and
  transaction, as ``build_map.py add`` makes it), adds per second and the latency of one
  add; and one process alone for comparison.

Results go to ``bench/pgstore_results.json`` with the machine, date and load average.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

from report import BENCH_DIR, machine

if TYPE_CHECKING:
    from collections.abc import Callable

    from geo.places import Place

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # tests/pgserver.py starts the server

from synthetic import write_synthetic_store  # noqa: E402

from geo.admin import AdminAreas  # noqa: E402
from geo.datasets import DATA_DIR  # noqa: E402
from geo.incidents.columns import read_columns  # noqa: E402
from geo.incidents.store import read_store  # noqa: E402
from geo.incidents.table import read_table, write_table  # noqa: E402
from geo.places import load_places  # noqa: E402
from geo.store.location import DatabaseLocation, parse_location  # noqa: E402
from geo.store.migrate import init_store  # noqa: E402
from geo.store.pg_store import DatabaseStore  # noqa: E402
from geo.store.transfer import push  # noqa: E402
from tests.pgserver import PgServer  # noqa: E402

RESULTS_PATH = BENCH_DIR / "pgstore_results.json"
WORKERS, ADDS = 8, 50
#: Cold builds per store and kind, alternating CSV and database (medians reported).
BUILD_RUNS = 5
WORKER = """
import json, sys, time
from pathlib import Path
plan = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
sys.path.insert(0, plan["root"])
from geo.admin import AdminAreas
from geo.datasets import DATA_DIR
from geo.gazetteer import load_gazetteer
from geo.incidents.add import NewIncident, prepare_row
from geo.store.location import parse_location
from geo.store.open import open_store
gazetteer = load_gazetteer(data_dir=DATA_DIR)
admin = AdminAreas.load(DATA_DIR / "admin")
places = {p.place_id: p for p in gazetteer.places}
store = open_store(parse_location(plan["url"]))
rows = [("the new incident", prepare_row(NewIncident(date=a[0], kind=a[1], source=a[2],
         place=a[3]), gazetteer=gazetteer, admin=admin)) for a in plan["adds"]]
Path(plan["ready"]).touch()
while not Path(plan["go"]).exists():
    time.sleep(0.001)
times = []
for row in rows:
    start = time.perf_counter()
    store.add([row], admin=admin, places=places)
    times.append(time.perf_counter() - start)
Path(plan["log"]).write_text(json.dumps({"times": times, "end": time.time()}), encoding="utf-8")
"""


def timed(runs: int, *jobs: Callable[[], object]) -> list[list[float]]:
    """Run each job ``runs`` times, alternating; return each one's seconds, run by run."""
    seconds: list[list[float]] = [[] for _ in jobs]
    for _ in range(runs):
        for i, job in enumerate(jobs):
            start = time.perf_counter()
            job()
            seconds[i].append(time.perf_counter() - start)
    return seconds


def median_of(runs: int, *jobs: Callable[[], object]) -> list[float]:
    """Run each job ``runs`` times, alternating; return each one's median seconds."""
    return [statistics.median(s) for s in timed(runs, *jobs)]


def build(store: str, out: Path, *, exports: bool) -> None:
    """Build from ``store`` into an emptied ``out`` in a new process."""
    shutil.rmtree(out, ignore_errors=True)  # a cold build: no cache
    command = [sys.executable, "build_map.py", "--store", store, "--out", str(out), "-q"]
    subprocess.run([*command, *([] if exports else ["--no-exports"])], check=True, cwd=ROOT)


def concurrent_adds(url: str, work: Path, workers: int, tag: str) -> dict[str, float]:
    """Run ``workers`` processes of :data:`ADDS` adds each at once; return rates and latency."""
    go = work / f"go-{tag}"
    processes, logs = [], []
    villages = ("Ariha", "Saraqib", "Sarmin", "Kansafra", "Bdama", "Binnish", "Taftanaz",
                "Sarja")  # fmt: skip
    for w in range(workers):
        year = 2023 if workers == 1 else 2024  # the two runs never add the same event
        adds = [(f"{year}-0{1 + j % 9}-{10 + j // 9:02d}", "shelling", f"{tag} {w} {j}",
                 villages[w]) for j in range(ADDS)]  # fmt: skip
        plan = {"root": str(ROOT), "url": url, "adds": adds, "go": str(go),
                "ready": str(work / f"{tag}{w}.ready"), "log": str(work / f"{tag}{w}.log")}  # fmt: skip
        (work / f"{tag}{w}.json").write_text(json.dumps(plan), encoding="utf-8")
        processes.append(
            subprocess.Popen([sys.executable, "-c", WORKER, str(work / f"{tag}{w}.json")])
        )
        logs.append(work / f"{tag}{w}.log")
    while not all((work / f"{tag}{w}.ready").exists() for w in range(workers)):
        time.sleep(0.05)
    started = time.time()
    go.touch()
    for process in processes:
        process.wait()
    results = [json.loads(log.read_text(encoding="utf-8")) for log in logs]
    wall = max(r["end"] for r in results) - started
    times = sorted(t for r in results for t in r["times"])
    return {
        "adds": workers * ADDS,
        "seconds": round(wall, 2),
        "adds_per_s": round(workers * ADDS / wall, 1),
        "median_add_ms": round(1000 * statistics.median(times), 1),
        "p95_add_ms": round(1000 * times[int(0.95 * (len(times) - 1))], 1),
    }


def repushes(
    csv_path: Path, location: DatabaseLocation, *, admin: AdminAreas, places: dict[str, Place]
) -> tuple[float, float]:
    """Time a push of the same file again (all unchanged), then of it with every note edited."""
    start = time.perf_counter()
    report = push(csv_path, location, admin=admin, places=places)
    unchanged_s = time.perf_counter() - start
    print(f"push again, nothing changed: {unchanged_s:.1f} s ({report.describe()})")
    table = read_table(csv_path)
    table.data["notes"] = [f"{note} (edited)" for note in table.data["notes"]]
    edited = csv_path.with_name("edited.csv")
    write_table(table, edited)
    start = time.perf_counter()
    report = push(edited, location, admin=admin, places=places)
    updated_s = time.perf_counter() - start
    print(f"push with every row edited: {updated_s:.1f} s ({report.describe()})")
    push(csv_path, location, admin=admin, places=places)  # back to the file the builds read
    return unchanged_s, updated_s


def reads_and_builds(
    csv_path: Path, url: str, database: DatabaseStore, work: Path
) -> tuple[float, float, dict[str, dict[str, float]]]:
    """Time reading the store and building from it, CSV against database, same run."""
    if database.read_text().data != csv_path.read_bytes():
        raise SystemExit("the database does not read back as the CSV it was pushed from")
    read_csv, read_db = median_of(
        7,
        lambda: read_columns(read_store(csv_path)),
        lambda: read_columns(database.read_text()),
    )
    print(f"read + split: CSV {read_csv:.3f} s, database (COPY) {read_db:.3f} s")
    builds: dict[str, dict[str, float]] = {}
    for exports in (False, True):
        name = "build_with_exports" if exports else "build_map_only"
        csv_runs, db_runs = timed(
            BUILD_RUNS,
            lambda e=exports: build(str(csv_path), work / "out-csv", exports=e),
            lambda e=exports: build(url, work / "out-db", exports=e),
        )
        csv_map, db_map = work / "out-csv/idlib_map.html", work / "out-db/idlib_map.html"
        if csv_map.read_bytes() != db_map.read_bytes():
            raise SystemExit("the maps from the database and from the CSV differ")
        # The difference of each alternating pair: both builds ran under the same load.
        pairs = [db - csv for csv, db in zip(csv_runs, db_runs, strict=True)]
        csv_s, db_s, diff_s = (statistics.median(v) for v in (csv_runs, db_runs, pairs))
        builds[name] = {"csv_s": round(csv_s, 2), "database_s": round(db_s, 2),
                        "difference_s": round(diff_s, 2), "difference_min_s": round(min(pairs), 2),
                        "runs": BUILD_RUNS}  # fmt: skip
        print(f"{name}: CSV {csv_s:.2f} s, database {db_s:.2f} s, difference median "
              f"{diff_s:+.2f} s, min {min(pairs):+.2f} s over {BUILD_RUNS} pairs "
              "(maps identical)")  # fmt: skip
    return read_csv, read_db, builds


def main() -> None:
    """Measure and write the results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--adds-only", action="store_true",
                        help="only the concurrent adds, on the bundled 16-row store")  # fmt: skip
    args = parser.parse_args()
    load_before = os.getloadavg()
    server = PgServer()
    work = Path(tempfile.mkdtemp(prefix="idlib-pgbench-"))
    try:
        server.create_database("bench")
        server.execute("CREATE EXTENSION postgis", "bench")
        url = server.url("bench")
        location = parse_location(url)
        if not isinstance(location, DatabaseLocation):
            raise SystemExit(f"{url} is not a database URL")
        init_store(location)
        csv_path = work / "store.csv"
        if args.adds_only:
            shutil.copyfile(DATA_DIR / "incidents.csv", csv_path)
            args.rows = 16
        else:
            write_synthetic_store(csv_path, args.rows)
        admin = AdminAreas.load(DATA_DIR / "admin")
        places = {p.place_id: p for p in load_places(DATA_DIR / "places.csv")}
        start = time.perf_counter()
        report = push(csv_path, location, admin=admin, places=places)
        push_s = time.perf_counter() - start
        print(f"push of {args.rows:,} rows: {push_s:.1f} s ({report.describe()})")
        repush_s, update_s = repushes(csv_path, location, admin=admin, places=places)
        database = DatabaseStore(location)
        read_csv = read_db = float("nan")
        builds: dict[str, dict[str, float]] = {}
        if not args.adds_only:
            read_csv, read_db, builds = reads_and_builds(csv_path, url, database, work)
        alone = concurrent_adds(url, work, 1, "alone")
        together = concurrent_adds(url, work, WORKERS, "eight")
        print(f"adds, 1 process x {ADDS}: {alone}")
        print(f"adds, {WORKERS} processes x {ADDS} at once: {together}")
        results = {
            "date": dt.datetime.now(tz=dt.UTC).date().isoformat(), "machine": machine(),
            "load_average_before": [round(x, 2) for x in load_before],
            "load_average_after": [round(x, 2) for x in os.getloadavg()],
            "rows": args.rows, "push_s": round(push_s, 1), "repush_unchanged_s": round(repush_s, 1),
            "push_all_updated_s": round(update_s, 1),
            "read_split_csv_s": round(read_csv, 3), "read_split_database_s": round(read_db, 3),
            **builds, "adds_one_process": alone, "adds_eight_processes": together,
        }  # fmt: skip
        RESULTS_PATH.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
        print(f"written to {RESULTS_PATH}")
    finally:
        server.destroy()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
