"""A store with some bad rows still gives a map: the rest mapped, the bad ones listed and kept.

The store is like a colleague's export: 400 rows at gazetteer villages, 160 rows coded at
border villages and jittered a few hundred metres across the Turkish border (outside the
OCHA polygons, within 2 km: kept, with a warning), 12 rows far outside (rejected), and a few
rows with other errors (a date that does not exist, a type ACLED does not have, a record
with an extra field), one of them holding a formula. Notes with quoted line breaks come
before them, so the lines named must be the lines the records start on.
"""

from __future__ import annotations

import csv
import io
import re
from typing import TYPE_CHECKING

import numpy as np
import pytest
import shapely

import build_map
from geo.admin import AdminAreas
from geo.build import MAP_FILENAME, REJECTED_FILENAME
from geo.datasets import DATA_DIR
from geo.incidents import IncidentValidationError
from geo.incidents.schema import INCIDENT_COLUMNS
from geo.incidents.table import read_table
from geo.places import load_places
from layers.incident_data import incident_ids
from tests.builds import build_as_cli

if TYPE_CHECKING:
    from pathlib import Path

ADMIN = AdminAreas.load(DATA_DIR / "admin")
BORDER_ROWS, FAR_ROWS, INSIDE_ROWS = 160, 12, 400
M_PER_DEG_LAT = 111_320.0


def border_points(count: int, rng: np.random.Generator) -> list[tuple[float, float]]:
    """Points 150-1,500 m outside the polygons, north of 36.1° N (the Turkish border)."""
    union = shapely.union_all(ADMIN._tree.geometries)
    ring = max(shapely.get_parts(union), key=lambda p: p.area).exterior
    points: list[tuple[float, float]] = []
    while len(points) < count:
        on_line = ring.interpolate(rng.uniform(0, ring.length))
        if on_line.y < 36.1:
            continue
        dist_m = rng.uniform(150, 1_500)
        angle = rng.uniform(0, 2 * np.pi)
        lon = on_line.x + dist_m * np.cos(angle) / (M_PER_DEG_LAT * np.cos(np.radians(on_line.y)))
        lat = on_line.y + dist_m * np.sin(angle) / M_PER_DEG_LAT
        outside_m = float(ADMIN.distance_outside_m([lon], [lat])[0])
        if 100 < outside_m < 1_900:
            points.append((round(lon, 5), round(lat, 5)))
    return points


def write_store(path: Path) -> dict[str, list[str]]:
    """Write the store; return the ids of each kind of row."""
    rng = np.random.default_rng(20200305)
    places = [p for p in load_places(DATA_DIR / "places.csv") if p.kind in {"village", "town"}]
    places = [p for p in places if ADMIN.at(p.position) is not None]
    base = dict.fromkeys(INCIDENT_COLUMNS, "") | {
        "event_type": "Explosions/Remote violence", "time_precision": "1",
        "sub_event_type": "Shelling/artillery/missile attack", "geo_precision": "1",
        "source": "Test monitor", "disorder_type": "Political violence",
    }  # fmt: skip
    rows: list[dict[str, str]] = []
    kinds: dict[str, list[str]] = {"inside": [], "border": [], "far": [], "bad": []}

    def add(kind: str, lon: float, lat: float, **fields: str) -> None:
        event_id = f"TST{len(rows) + 1:06d}"
        day = f"2020-{1 + len(rows) % 12:02d}-{1 + len(rows) % 28:02d}"
        rows.append(base | {"event_id_cnty": event_id, "event_date": day, "year": "2020",
                            "location": f"Village {len(rows)}", "longitude": f"{lon:.5f}",
                            "latitude": f"{lat:.5f}"} | fields)  # fmt: skip
        kinds[kind].append(event_id)

    for k in range(INSIDE_ROWS):
        place = places[k % len(places)]
        notes = "First line\nsecond line" if k % 50 == 0 else ""
        add("inside", place.position.lon, place.position.lat, notes=notes)
    for lon, lat in border_points(BORDER_ROWS, rng):
        add("border", lon, lat, notes="coded at a border village")
    for k in range(FAR_ROWS):  # around Antakya, Turkey
        lon, lat = 36.10 + 0.01 * k, 36.20 + 0.005 * k
        assert ADMIN.distance_outside_m([lon], [lat])[0] > 5_000
        add("far", lon, lat)
    add("bad", 36.63, 35.93, event_date="2020-02-30")
    add("bad", 36.63, 35.93, sub_event_type="Carpet bombing", notes='=HYPERLINK("x")')
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(INCIDENT_COLUMNS), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    text = out.getvalue()
    # A record with an extra field (a stray comma), after the quoted line breaks.
    extra = text.splitlines()[5].replace("Test monitor", "Test monitor,extra", 1)
    kinds["bad"].append(extra.split(",", 1)[0])
    path.write_text(text + extra + "\n", encoding="utf-8")
    return kinds


def line_of(path: Path, event_id: str) -> int:
    """The line a record starts on, from the file's text."""
    text = path.read_text(encoding="utf-8")
    matches = [m.start() for m in re.finditer(f"^{event_id},", text, re.MULTILINE)]
    return text.count("\n", 0, matches[-1]) + 1


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, list[str]]]:
    path = tmp_path_factory.mktemp("bad_rows") / "incidents.csv"
    return path, write_store(path)


def test_a_store_with_bad_rows_maps_the_rest(
    store: tuple[Path, dict[str, list[str]]], tmp_path: Path
) -> None:
    path, kinds = store
    result = build_as_cli(path, tmp_path)
    rejected = len(kinds["far"]) + len(kinds["bad"])
    assert result.rejected == rejected
    assert result.incidents == len(kinds["inside"]) + len(kinds["border"])
    html = (tmp_path / MAP_FILENAME).read_text(encoding="utf-8")
    assert f"{rejected:,} rows not shown (see rejected.csv)" in html
    shown = set(incident_ids(html))
    assert shown == set(kinds["inside"]) | set(kinds["border"])
    kept = [w for w in result.warnings if "kept (within 2 km)" in w]
    assert len(kept) == len(kinds["border"])
    # Every problem names the file, the line the record starts on and the column.
    for event_id in kinds["far"]:
        where = f"{path}, line {line_of(path, event_id)}, column 'latitude'"
        assert any(p.startswith(where) and "outside north-west Syria" in p
                   for p in result.problems), event_id  # fmt: skip
    assert any(f"line {line_of(path, kinds['bad'][0])}, column 'event_date'" in p
               for p in result.problems)  # fmt: skip
    extra_line = line_of(path, kinds["bad"][2])
    assert any(f"line {extra_line}: 31 fields, the header has 30" in p for p in result.problems)
    # The exports hold the rows on the map.
    exported = read_table(tmp_path / "incidents_classified.csv").data["event_id_cnty"]
    assert sorted(exported) == sorted(shown)


def test_rejected_rows_are_written_with_their_reasons_spreadsheet_safe(
    store: tuple[Path, dict[str, list[str]]], tmp_path: Path
) -> None:
    path, kinds = store
    build_as_cli(path, tmp_path)
    with (tmp_path / REJECTED_FILENAME).open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][:3] == ["line", "problems", "event_id_cnty"]
    by_id = {row[2]: row for row in rows[1:]}
    assert set(by_id) == set(kinds["far"]) | set(kinds["bad"])
    for event_id, row in by_id.items():
        assert int(row[0]) == line_of(path, event_id)
        assert row[1]
    carpet = by_id[kinds["bad"][1]]
    assert "sub_event_type: 'Carpet bombing' is not an ACLED sub-event type" in carpet[1]
    notes = carpet[2 + INCIDENT_COLUMNS.index("notes")]
    assert notes == '\'=HYPERLINK("x")'  # neutralised
    # A build of a store without bad rows removes the old list.
    good = tmp_path / "good.csv"
    good.write_bytes((DATA_DIR / "incidents.csv").read_bytes())
    build_as_cli(good, tmp_path)
    assert not (tmp_path / REJECTED_FILENAME).exists()


def test_strict_builds_nothing_and_lists_every_problem(
    store: tuple[Path, dict[str, list[str]]], tmp_path: Path
) -> None:
    path, kinds = store
    with pytest.raises(IncidentValidationError) as caught:
        build_as_cli(path, tmp_path, strict=True)
    assert len(caught.value.issues) == len(kinds["far"]) + len(kinds["bad"])
    assert not (tmp_path / MAP_FILENAME).exists()
    assert not (tmp_path / REJECTED_FILENAME).exists()


def test_add_to_a_store_with_bad_rows_elsewhere(
    store: tuple[Path, dict[str, list[str]]], tmp_path: Path
) -> None:
    """An add checks its own rows only; bad values elsewhere stay, byte for byte, off the map.

    A record whose structure is broken (a field too many) is another matter: the add cannot
    rewrite the file without losing or guessing it, so it refuses, naming the line.
    """
    path, kinds = store
    copy = tmp_path / "incidents.csv"
    copy.write_bytes(path.read_bytes())
    add = ["add", "--incidents", str(copy), "--out", str(tmp_path / "out"), "--date",
           "2020-10-01", "--place", "Ariha", "--type", "shelling", "--source", "Test"]  # fmt: skip
    assert build_map.main(["-q", *add]) == 1
    assert copy.read_bytes() == path.read_bytes()
    broken = path.read_bytes().splitlines(keepends=True)
    copy.write_bytes(b"".join(broken[:-1]))  # without the record of 31 fields
    assert build_map.main(["-q", *add]) == 0
    before, after = broken[:-1], copy.read_bytes().splitlines(keepends=True)
    assert len(after) == len(before) + 1
    assert set(before) <= set(after)
    html = (tmp_path / "out" / MAP_FILENAME).read_text(encoding="utf-8")
    assert len(incident_ids(html)) == len(kinds["inside"]) + len(kinds["border"]) + 1
    assert "rows not shown (see rejected.csv)" in html
    # The add's own row is checked strictly: a bad one adds nothing.
    bad = [*add[:-6], "--date", "2020-02-30", "--place", "Ariha", "--type", "shelling"]
    assert build_map.main(["-q", *bad, "--source", "Test"]) == 1
    assert copy.read_bytes().splitlines(keepends=True) == after
