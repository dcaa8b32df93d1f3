"""Structure of the folium map: layers, counts, legend and attribution (no browser)."""

import json

import folium

from geo.project import MapInputs
from layers.clientside import ClientLayer, Legend, script_json
from layers.compose import DATA_ATTRIBUTION, build_map, render_html
from layers.incidents import incident_popup

EXPECTED_OVERLAYS = [
    "Boundaries (OCHA districts)",
    "Security corridor (6 km each side of the M4)",
    "Corridor read as 6 km due north/south (alternative)",
    "M4 highway (approximate)",
    "Joint patrol segment (Trinbeh – Ain al-Hawr)",
    "Patrol ends",
    "Places",
    "Incidents",
]


def client_layers(fmap: folium.Map) -> dict[str, ClientLayer]:
    return {
        child.layer_name: child
        for child in fmap._children.values()
        if isinstance(child, ClientLayer)
    }


def test_overlays_and_feature_counts(map_inputs: MapInputs) -> None:
    layers = client_layers(build_map(map_inputs))
    assert list(layers) == EXPECTED_OVERLAYS
    assert len(layers["Places"].data["features"]) == len(map_inputs.places)
    assert len(layers["Incidents"].data["features"]) == len(map_inputs.incidents)
    assert len(layers["Security corridor (6 km each side of the M4)"].data["features"]) == 2


def test_layer_control_lists_overlays_and_two_base_maps(map_inputs: MapInputs) -> None:
    fmap = build_map(map_inputs)
    control = next(c for c in fmap._children.values() if isinstance(c, folium.LayerControl))
    fmap.get_root().render()
    assert list(control.overlays) == EXPECTED_OVERLAYS
    assert len(control.base_layers) == 2


def test_legend_and_attribution(map_inputs: MapInputs) -> None:
    fmap = build_map(map_inputs)
    legend = next(c for c in fmap._children.values() if isinstance(c, Legend))
    labels = [entry["label"] for entry in legend.entries]
    assert "Corridor north half: Turkish supervision" in labels
    assert "Shelling/artillery/missile attack" in labels
    html = render_html(fmap, offline=False)
    for text in DATA_ATTRIBUTION:
        assert script_json(text) in html
    assert "OpenStreetMap" in html


def test_geojson_is_rounded_and_lon_lat(map_inputs: MapInputs) -> None:
    layers = client_layers(build_map(map_inputs))
    ariha = next(
        f for f in layers["Places"].data["features"] if f["properties"]["label"] == "Ariha"
    )
    lon, lat = ariha["geometry"]["coordinates"]
    assert (lon, lat) == (36.60964, 35.81374)


def test_incident_popup_is_plain_data(map_inputs: MapInputs) -> None:
    popup = incident_popup(map_inputs.incidents[0])
    assert {"title", "rows", "note", "links"} <= popup.keys()
    json.dumps(popup)  # plain data only: no HTML objects


def test_script_json_cannot_close_the_script_element() -> None:
    text = script_json({"notes": "</script><script>alert(1)</script> <!-- \u2028"})
    assert "</" not in text
    assert "<!--" not in text
    assert "\u2028" not in text
    assert json.loads(text)["notes"].startswith("</script>")
