"""The bundled data: what the map is built from."""

import datetime as dt

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
