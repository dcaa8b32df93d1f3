"""Structure of the folium map: layers, counts, legend, attribution, compact data (no browser)."""

import json

import folium

from geo.project import MapInputs
from layers import incidents as incident_layer
from layers.clientside import ClientLayer, Legend, script_json
from layers.compose import DATA_ATTRIBUTION, build_map, render_html

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


def client_layers(fmap: folium.Map) -> dict[str, ClientLayer]:
    return {
        child.layer_name: child
        for child in fmap._children.values()
        if isinstance(child, ClientLayer)
    }


def test_layer_control_lists_groups_of_overlays_and_four_base_maps(map_inputs: MapInputs) -> None:
    fmap = build_map(map_inputs)
    control = next(c for c in fmap._children.values() if isinstance(c, folium.LayerControl))
    fmap.get_root().render()
    assert list(control.overlays) == EXPECTED_OVERLAYS
    assert list(control.base_layers) == EXPECTED_BASES
    shown = {name for name, layer in client_layers(fmap).items() if layer.show}
    assert shown.isdisjoint(OFF_BY_DEFAULT)
    assert "Security corridor (6 km each side of the M4)" in shown


def test_feature_counts(map_inputs: MapInputs) -> None:
    layers = client_layers(build_map(map_inputs))
    assert len(layers["Places"].data["features"]) == len(map_inputs.places)
    assert layers["Incidents"].data["n"] == len(map_inputs.incidents)
    assert len(layers["Security corridor (6 km each side of the M4)"].data["features"]) == 2
    located = [p for p in map_inputs.posts if p.position is not None]
    assert (
        len(layers["Turkish observation posts (approximate)"].data["features"])
        == len(located)
        >= 30
    )


def test_legend_covers_every_symbol_and_attribution(map_inputs: MapInputs) -> None:
    fmap = build_map(map_inputs)
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
    layers = client_layers(build_map(map_inputs))
    ariha = next(
        f for f in layers["Places"].data["features"] if f["properties"]["label"] == "Ariha"
    )
    assert ariha["geometry"]["coordinates"] == [36.60964, 35.81374]  # lon, lat
    assert ariha["properties"]["minZoom"] <= 10
    assert "أريحا" in ariha["properties"]["names"]


def test_compact_incident_encoding_round_trips(map_inputs: MapInputs) -> None:
    data = incident_layer.encode(map_inputs.store, map_inputs.classification)
    lat = [data["lat0"] + sum(data["lat"][: i + 1]) / data["scale"] for i in range(data["n"])]
    lon = [data["lon0"] + sum(data["lon"][: i + 1]) / data["scale"] for i in range(data["n"])]
    ids = [data["strings"][k] for k in data["id"]]
    by_id = {item.event_id: item for item in map_inputs.incidents}
    for i, event_id in enumerate(ids):
        item = by_id[event_id]
        assert abs(lat[i] - item.position.lat) < 1e-5
        assert abs(lon[i] - item.position.lon) < 1e-5
        assert data["killed"][i] == (-1 if item.fatalities is None else item.fatalities)
        assert data["strings"][data["location"][i]] == item.location
    json.dumps(data)  # plain data only
    text_bytes = sum(len(s.encode()) for s in data["strings"])
    per_incident = (len(json.dumps(data, separators=(",", ":"))) - text_bytes) / data["n"]
    assert (
        per_incident < 400
    )  # small-store overhead (tables of labels); the scale issue tightens it


def test_script_json_cannot_close_the_script_element() -> None:
    text = script_json({"notes": "</script><script>alert(1)</script> <!-- \u2028"})
    assert "</" not in text
    assert "<!--" not in text
    assert "\u2028" not in text
    assert json.loads(text)["notes"].startswith("</script>")
