"""Incident store benchmark: load + validate + classify 100,000 incidents; add one to them.

Run: ``make bench-incidents``. Targets (issue 5): load, validate and classify 100,000
incidents < 2 s; adding one incident to a 100,000-row store < 1 s, map rebuild excluded.
The synthetic store clusters events around real villages, over 2019-2022, all types.

It also compares the two columnar CSV readers considered for the build (issue 16), each
in a fresh process: the import (what every build pays) and reading the 100,000-row store
as text columns. polars is measured only where it is installed (it is not a dependency).
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from report import machine, report

from geo.admin import AdminAreas
from geo.corridor import build_corridor, patrol_segment
from geo.corridor_query import CorridorIndex
from geo.datasets import DATA_DIR
from geo.incidents import load_store
from geo.incidents.add import add_rows
from geo.incidents.classify import classify
from geo.incidents.schema import INCIDENT_COLUMNS, SUB_EVENT_TYPES
from geo.incidents.table import empty_table, write_table
from geo.m4 import load_m4
from geo.places import load_places
from geo.project import patrol_ends

ROOT = Path(__file__).resolve().parents[1]
SIZES = (10_000, 100_000)
#: Each reader in a fresh process: import time, then the store read as text columns.
READERS = {
    "pyarrow": (
        "import pyarrow as pa, pyarrow.csv as pacsv",
        (
            "names = open(path, encoding='utf-8').readline().strip().split(',')\n"
            "pacsv.read_csv(path, convert_options=pacsv.ConvertOptions("
            "column_types=dict.fromkeys(names, pa.string()), strings_can_be_null=False))"
        ),
    ),
    "polars": ("import polars as pl", "pl.read_csv(path, infer_schema=False)"),
}
_READER_RUN = """
import json, sys, time
path = sys.argv[1]
start = time.perf_counter()
{imports}
imported = time.perf_counter()
{read}
print(json.dumps([imported - start, time.perf_counter() - imported]))
"""


def compare_readers(path: Path, runs: int = 3) -> dict[str, object]:
    """Return the median import and read seconds of each reader (fresh processes)."""
    out: dict[str, object] = {}
    for name, (imports, read) in READERS.items():
        script = _READER_RUN.format(imports=imports, read=read)
        times = []
        for _ in range(runs):
            done = subprocess.run([sys.executable, "-c", script, str(path)], capture_output=True,
                                  text=True, check=False)  # fmt: skip
            if done.returncode:
                out[f"reader_{name}"] = f"not measured ({done.stderr.strip().splitlines()[-1]})"
                break
            times.append(json.loads(done.stdout))
        if times:
            out[f"reader_{name}_import_s"] = round(sorted(t[0] for t in times)[len(times) // 2], 3)
            out[f"reader_{name}_read_s"] = round(sorted(t[1] for t in times)[len(times) // 2], 3)
    return out


def synthetic_store(path: Path, size: int, *, seed: int = 3) -> None:
    """Write ``size`` plausible incidents around real villages of the gazetteer."""
    rng = np.random.default_rng(seed)
    places = [p for p in load_places(DATA_DIR / "places.csv") if p.admin1 == "Idleb"]
    chosen = rng.integers(0, len(places), size)
    jitter = rng.normal(0, 0.004, (size, 2))
    lon = np.array([places[c].position.lon for c in chosen]) + jitter[:, 0]
    lat = np.array([places[c].position.lat for c in chosen]) + jitter[:, 1]
    # Jitter may push a border village's events into Turkey: put those on the village point.
    outside = ~AdminAreas.load(DATA_DIR / "admin").contains(lon, lat)
    lon[outside] -= jitter[outside, 0]
    lat[outside] -= jitter[outside, 1]
    days = rng.integers(0, 4 * 365, size)
    subs = list(SUB_EVENT_TYPES)
    table = empty_table()
    start = dt.date(2019, 1, 1)
    data = table.data
    for i in range(size):
        place = places[chosen[i]]
        sub = subs[i % len(subs)]
        values = {
            "event_id_cnty": f"SYN{i:07d}", "event_date": (start + dt.timedelta(days=int(days[i]))).isoformat(),
            "time_precision": "1", "event_type": SUB_EVENT_TYPES[sub], "sub_event_type": sub,
            "location": place.name_en, "latitude": f"{lat[i]:.5f}",
            "longitude": f"{lon[i]:.5f}", "geo_precision": str(1 + i % 3),
            "source": "Synthetic", "fatalities": str(i % 4), "injured": "" if i % 5 else "2",
            "notes": "x" * (400 if i % 10 == 0 else 20),
        }  # fmt: skip
        for column in INCIDENT_COLUMNS:
            data[column].append(values.get(column, ""))
        table.lines.append(i + 2)
    write_table(table, path)


def main() -> None:
    """Measure and print."""
    places = load_places(DATA_DIR / "places.csv")
    admin = AdminAreas.load(DATA_DIR / "admin")
    by_id = {p.place_id: p for p in places}
    road = load_m4(DATA_DIR / "m4_waypoints.csv")
    west, east = patrol_ends(places)
    corridor = build_corridor(
        patrol_segment(road.line_lonlat, west=west.position, east=east.position)
    )
    index = CorridorIndex(corridor, road.line_lonlat)
    results: dict[str, object] = {"machine": machine()}
    with tempfile.TemporaryDirectory() as tmp:
        for size in SIZES:
            path = Path(tmp) / f"store_{size}.csv"
            synthetic_store(path, size)
            start = time.perf_counter()
            store = load_store(path, admin=admin, places=by_id)
            loaded = time.perf_counter()
            classify(store.parsed, index=index, places=places, admin=admin)
            done = time.perf_counter()
            results[f"load_validate_{size}_s"] = round(loaded - start, 3)
            results[f"classify_{size}_s"] = round(done - loaded, 3)
            results[f"load_validate_classify_{size}_s"] = round(done - start, 3)
            row = {"event_date": "2020-10-01", "event_type": "Battles", "sub_event_type": "Armed clash",
                   "location": "Ariha", "latitude": "35.81", "longitude": "36.61", "geo_precision": "1",
                   "source": "bench"}  # fmt: skip
            start = time.perf_counter()
            add_rows(path, [("bench row", row)], admin=admin, places=by_id, force=True)
            results[f"add_one_to_{size}_s"] = round(time.perf_counter() - start, 3)
            if size == max(SIZES):
                results.update(compare_readers(path))
    report(results, "incidents")


if __name__ == "__main__":
    main()
