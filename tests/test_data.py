"""The bundled data: what the map is built from."""

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

from geo.admin import AdminAreas
from geo.datasets import DATA_DIR
from geo.errors import DataFileError
from geo.places import load_places
from geo.project import MapInputs

SEED_PLACES = {
    "ariha", "saraqib", "trinbeh", "ain_al_hawr", "jabal_al_zawiya", "kansafra", "balyoun",
    "al_fatirah", "sarja", "shnan", "bayneen", "tel_musaybeen", "jisr_al_shughur",
}  # fmt: skip


def test_places_include_the_seed_places(map_inputs: MapInputs) -> None:
    ids = {place.place_id for place in map_inputs.places}
    assert ids >= SEED_PLACES
    ariha = next(place for place in map_inputs.places if place.place_id == "ariha")
    assert ariha.name_ar == "أريحا"
    assert ariha.admin2 == "Ariha"


def test_m4_runs_west_to_east_through_the_patrol_ends(map_inputs: MapInputs) -> None:
    names = [point.name for point in map_inputs.road.waypoints]
    assert names[0] == "Latakia"
    assert names[-1] == "Aleppo"
    assert names.index("Ain al-Hawr") < names.index("Trinbeh")
    west, east = map_inputs.patrol_ends
    assert (west.name_en, east.name_en) == ("Ain al-Hawr", "Trinbeh")


def test_seed_incidents_are_sourced_and_sorted(map_inputs: MapInputs) -> None:
    incidents = map_inputs.incidents()
    assert len(incidents) >= 10
    assert all(item.source for item in incidents)
    keys = [(item.event_date, item.event_id) for item in incidents]
    assert keys == sorted(keys)
    assert len({item.event_id for item in incidents}) == len(incidents)
    ariha_shelling = [item for item in incidents if item.event_date == dt.date(2020, 9, 7)]
    assert [(item.location, item.fatalities, item.injured) for item in ariha_shelling] == [
        ("Ariha", 1, 6)
    ]


def test_places_and_areas_are_read_once_per_content(tmp_path: Path) -> None:
    # add geocodes and checks with them, then its rebuild needs them again: one parse.
    shutil.copytree(DATA_DIR / "admin", tmp_path / "admin")
    shutil.copy(DATA_DIR / "places.csv", tmp_path / "places.csv")
    first, again = load_places(tmp_path / "places.csv"), load_places(tmp_path / "places.csv")
    assert first == again
    assert first is not again  # each caller's own list
    assert AdminAreas.load(tmp_path / "admin") is AdminAreas.load(tmp_path / "admin")
    # New content is read anew, however the file's times look.
    text = (tmp_path / "places.csv").read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    (tmp_path / "places.csv").write_text("".join(lines[:1] + lines[2:]), encoding="utf-8")
    assert len(load_places(tmp_path / "places.csv")) == len(first) - 1
    areas = AdminAreas.load(tmp_path / "admin")
    subdistricts = tmp_path / "admin" / "subdistricts.geojson"
    subdistricts.write_text(subdistricts.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert AdminAreas.load(tmp_path / "admin") is not areas


def test_a_sub_district_file_with_a_geometry_geos_cannot_read_names_the_file(
    tmp_path: Path,
) -> None:
    shutil.copytree(DATA_DIR / "admin", tmp_path / "admin")
    subdistricts = tmp_path / "admin" / "subdistricts.geojson"
    collection = json.loads(subdistricts.read_text(encoding="utf-8"))
    collection["features"][3]["geometry"] = None
    subdistricts.write_text(json.dumps(collection), encoding="utf-8")
    with pytest.raises(DataFileError, match=r"subdistricts\.geojson: a geometry GEOS cannot read"):
        AdminAreas.load(tmp_path / "admin")
