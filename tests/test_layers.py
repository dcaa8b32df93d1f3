"""Structure of the folium map: layers, counts, legend, attribution, compact data (no browser)."""

import csv
import datetime as dt
import json
import math
from pathlib import Path
from typing import Any

import folium
import numpy as np
import pyarrow as pa
import pytest

from geo.datasets import DATA_DIR
from geo.incidents import classify as classify_module
from geo.incidents import rows as rows_module
from geo.incidents.schema import INCIDENT_COLUMNS, SUB_EVENT_TYPES
from geo.places import load_places
from geo.project import MapInputs, load_inputs
from layers import incident_data
from layers.clientside import ClientLayer, Legend
from layers.compose import DATA_ATTRIBUTION, build_map, render_html
from layers.packing import ALPHABET, PackingError, pack, script_json, unpack

EXPECTED_OVERLAYS = [
    "Security corridor (6 km each side of the M4)",
    "Corridor read as 6 km due north/south (alternative)",
    "M4 highway (approximate)",
    "Joint patrol segment (Trinbeh – Ain al-Hawr)",
    "Patrol ends",
    "Places",
    "Turkish observation posts (approximate)",
    "Incidents",
    "Incident density (heat map)",
    "Admin boundaries (OCHA)",
]
EXPECTED_BASES = [
    "OpenStreetMap",
    "Light (Esri World Gray Canvas)",
    "Satellite (Esri World Imagery)",
    "Offline: OCHA boundaries (no tiles)",
]
OFF_BY_DEFAULT = {
    "Corridor read as 6 km due north/south (alternative)",
    "Incident density (heat map)",
    "Admin boundaries (OCHA)",
}


def map_rows(inputs: MapInputs) -> rows_module.IncidentRows:
    return rows_module.rows_from_store(inputs.store, inputs.classification)


def client_layers(fmap: folium.Map) -> dict[str, ClientLayer]:
    return {
        child.layer_name: child
        for child in fmap._children.values()
        if isinstance(child, ClientLayer)
    }


def test_layer_control_lists_groups_of_overlays_and_four_base_maps(map_inputs: MapInputs) -> None:
    fmap = build_map(map_inputs.static, map_rows(map_inputs))
    control = next(c for c in fmap._children.values() if isinstance(c, folium.LayerControl))
    fmap.get_root().render()
    assert list(control.overlays) == EXPECTED_OVERLAYS
    assert list(control.base_layers) == EXPECTED_BASES
    shown = {name for name, layer in client_layers(fmap).items() if layer.show}
    assert shown.isdisjoint(OFF_BY_DEFAULT)
    assert "Security corridor (6 km each side of the M4)" in shown


def test_feature_counts(map_inputs: MapInputs) -> None:
    layers = client_layers(build_map(map_inputs.static, map_rows(map_inputs)))
    assert len(layers["Places"].data["id"]) == len(map_inputs.places)
    assert layers["Incidents"].data["n"] == len(map_inputs.incidents())
    assert len(layers["Security corridor (6 km each side of the M4)"].data["features"]) == 2
    located = [p for p in map_inputs.posts if p.position is not None]
    assert (
        len(layers["Turkish observation posts (approximate)"].data["features"])
        == len(located)
        >= 30
    )


def test_legend_covers_every_symbol_and_attribution(map_inputs: MapInputs) -> None:
    fmap = build_map(map_inputs.static, map_rows(map_inputs))
    legend = next(c for c in fmap._children.values() if isinstance(c, Legend))
    labels = [entry["label"] for entry in legend.entries]
    assert "Corridor north half: Turkish supervision" in labels
    assert "Corridor south half: Russian supervision" in labels
    for label in (
        "Shelling / artillery",
        "Air / drone strike",
        "IED / landmine",
        "Missile (guided, anti-tank)",
        "Armed clash",
        "Other event",
    ):
        assert label in labels
    assert all(entry["layer"] for entry in legend.entries)
    html = render_html(fmap, offline=False)
    for text in DATA_ATTRIBUTION:
        assert script_json(text) in html
    assert "OpenStreetMap" in html


def test_places_carry_zoom_levels_and_every_name(map_inputs: MapInputs) -> None:
    data = client_layers(build_map(map_inputs.static, map_rows(map_inputs)))["Places"].data
    assert all(len(data[key]) == len(data["id"]) for key in ("name", "lon", "lat", "zoom"))
    i = data["id"].index("ariha")
    assert (data["lon"][i], data["lat"][i]) == (3660964, 3581374)  # lon, lat in 1e-5 degree
    assert data["scale"] == 100_000
    assert data["label"][i] <= 10
    assert data["zoom"][i] == 0  # a town's point shows at every zoom
    assert data["ar"][i] == "أريحا"
    assert data["kinds"][data["kind"][i]] == "town"
    minor = [j for j, sources in enumerate(data["src"]) if "WP:" not in data["sources"][sources]]
    assert all(data["zoom"][j] >= 10 or data["label"][j] <= 10 for j in minor)
    every_name = {n for p in map_inputs.places for n in p.alt_names}
    assert every_name <= {n for names in data["names"] for n in names.split("|")}


def decode_incidents(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Decode the packed incident columns the way js/incidents.js does, as plain rows."""
    n = data["n"]
    columns = {name: unpack(text) for name, text in data["columns"].items()}
    assert all(len(values) == n for values in columns.values())
    pos_lat, pos_lon = unpack(data["posLat"]), unpack(data["posLon"])
    assert len(pos_lat) == len(pos_lon) == data["positions"]

    strings = incident_data.inflate_strings(data["stringsDeflated"])

    def text(name: str, i: int) -> str:
        code = columns[name][i]
        return "" if code == 0 else strings[code - 1]

    rows, day = [], data["day0"]
    for i in range(n):
        day += columns["day"][i]
        family, number = columns["idFamily"][i], columns["idNumber"][i]
        prefix, width = data["idFamilies"][family]
        flags = columns["flags"][i]
        rows.append({
            "id": strings[number - 1] if family == 0 else prefix + str(number).zfill(width),
            "lat": data["lat0"] + pos_lat[columns["pos"][i]] / data["scale"],
            "lon": data["lon0"] + pos_lon[columns["pos"][i]] / data["scale"],
            "date": incident_data.EPOCH + dt.timedelta(days=day),
            "type": data["types"][columns["type"][i]]["key"],
            "killed": columns["killed"][i] - 1 if columns["killed"][i] else None,
            "injured": columns["injured"][i] - 1 if columns["injured"][i] else None,
            "time_precision": flags % 3 + 1, "geo_precision": flags // 3 % 3 + 1,
            "side": classify_module.SIDES[flags // 9 % 4],
            "certainty": classify_module.CERTAINTIES[flags // 36 % 3],
            "phase": classify_module.PHASES[flags // 108],
            "dist_km": columns["dist"][i] / 10,
            **{name: text(name, i) for name in incident_data.TEXT_COLUMNS},
        })  # fmt: skip
    return rows


def test_compact_incident_encoding_round_trips(map_inputs: MapInputs) -> None:
    store, classes = map_inputs.store, map_inputs.classification
    data = incident_data.encode(map_rows(map_inputs))
    rows = decode_incidents(data)
    assert [row["date"] for row in rows] == sorted(row["date"] for row in rows)
    position = {event_id: i for i, event_id in enumerate(store.table.data["event_id_cnty"])}
    assert sorted(position) == sorted(row["id"] for row in rows)
    for row in rows:
        i, item = position[row["id"]], store.table.data
        assert abs(row["lat"] - store.parsed.lat[i]) < 0.6e-5
        assert abs(row["lon"] - store.parsed.lon[i]) < 0.6e-5
        assert str(row["date"]) == str(store.parsed.date[i])
        for name, column in incident_data.TEXT_COLUMNS.items():
            if column != "admin":
                assert row[name] == item[column][i]
        assert row["side"] == classes.corridor_side[i]
        assert row["phase"] == classes.phase[i]
        assert row["certainty"] == classes.in_corridor_certainty[i]
        assert row["time_precision"] == store.parsed.time_precision[i]
        assert row["geo_precision"] == store.parsed.geo_precision[i]
        assert row["dist_km"] == round(float(classes.dist_to_m4_km[i]), 1)
        for name, values in (
            ("killed", store.parsed.fatalities),
            ("injured", store.parsed.injured),
        ):
            expected = None if math.isnan(values[i]) else int(values[i])
            assert row[name] == expected
        assert row["admin"] == ", ".join(
            part for part in (classes.admin3[i], classes.admin2[i], classes.admin1[i]) if part
        )
    json.dumps(data)  # plain data only


def test_packed_columns_round_trip() -> None:
    values = [0, 1, 31, 32, 1023, 1024, 32767, 32768, 2**20, 2**31 - 1]
    packed = pack(values)
    assert set(packed) <= set(ALPHABET)
    assert unpack(packed) == values
    with pytest.raises(PackingError):
        pack([-1])
    with pytest.raises(PackingError):
        unpack(packed[:-1] + "g")  # ends inside a value


def test_string_table_deflates_in_pieces_to_the_bytes_of_one_json_text(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Texts that need escaping on both sides of each piece's edge, and an empty one.
    texts = [f'note {i} "quoted"\n\u062d\U0001f600\x01' if i % 3 else f"id {i}" for i in range(10)]
    texts.append("")
    whole = incident_data.deflate_strings(texts)  # json.dumps of the list, in one piece
    for size in (1, 3, 4, 100):
        monkeypatch.setattr(incident_data, "_STRINGS_AT_A_TIME", size)
        assert incident_data.deflate_strings(pa.array(texts, pa.string())) == whole
    assert incident_data.inflate_strings(whole) == texts
    assert (
        incident_data.inflate_strings(incident_data.deflate_strings(pa.array([], pa.string())))
        == []
    )


def test_script_json_cannot_close_the_script_element() -> None:
    text = script_json({"notes": "</script><script>alert(1)</script> <!-- \u2028"})
    assert "</" not in text
    assert "<!--" not in text
    assert "\u2028" not in text
    assert json.loads(text)["notes"].startswith("</script>")


def test_packed_data_stays_under_60_bytes_an_incident(tmp_path: Path) -> None:
    """Issue 7's budget: ≤ 60 bytes per incident for the data, besides the text itself."""
    rng = np.random.default_rng(5)
    places = [p for p in load_places(DATA_DIR / "places.csv") if p.admin1 == "Idleb"]
    subs = list(SUB_EVENT_TYPES)
    rows = []
    for i in range(5_000):
        place = places[int(rng.integers(len(places)))]
        sub = subs[int(rng.integers(len(subs)))]
        day = dt.date(2019, 1, 1) + dt.timedelta(days=int(rng.integers(4 * 365)))
        rows.append({
            "event_id_cnty": f"SYR{100000 + i}", "event_date": day.isoformat(),
            "event_type": SUB_EVENT_TYPES[sub], "sub_event_type": sub,
            "location": place.name_en, "latitude": f"{place.position.lat:.5f}",
            "longitude": f"{place.position.lon:.5f}", "geo_precision": "1",
            "source": "SOHR", "fatalities": str(int(rng.integers(4))),
            "actor1": "Military Forces of Syria (2000-)",
        })  # fmt: skip
    store = tmp_path / "incidents.csv"
    with store.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(INCIDENT_COLUMNS), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    inputs = load_inputs(store=store)
    data = incident_data.encode(map_rows(inputs))
    text_bytes = len(data["stringsDeflated"])
    per_incident = (len(script_json(data).encode("utf-8")) - text_bytes) / data["n"]
    assert per_incident <= 60
