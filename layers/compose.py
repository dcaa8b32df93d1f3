"""Compose the layers into one folium map and render it as a self-contained HTML page."""

from __future__ import annotations

from typing import TYPE_CHECKING

import folium
import shapely
from branca.element import Figure

from geo.band import readings_difference_km2
from geo.coords import LonLat, to_latlon
from geo.corridor import geodesic_area_km2
from geo.incidents.export import classified_columns
from layers import admin, corridor, incidents, m4, places, style
from layers.clientside import Attribution, ClientAssets, Legend, Title
from layers.offline import inline_assets

if TYPE_CHECKING:
    from geo.project import MapInputs

MAP_TITLE = "Idlib de-escalation zone: M4 security corridor and incidents"
DATA_ATTRIBUTION = [
    "Places: GeoNames (CC BY 4.0), Wikipedia contributors (CC BY-SA)",
    "Boundaries: OCHA (CC BY 3.0 IGO)",
    "M4 line approximate (waypoints); post and incident points are village points",
]


def build_map(inputs: MapInputs) -> folium.Map:
    """Return the folium map with every layer, the legend and a layer control."""
    view = shapely.union_all(
        [inputs.corridor.polygon_lonlat]
        + [shapely.Point(item.position.lon, item.position.lat) for item in inputs.incidents]
    )
    bounds = view.bounds  # west, south, east, north
    center = LonLat(lon=(bounds[0] + bounds[2]) / 2, lat=(bounds[1] + bounds[3]) / 2)
    fmap = folium.Map(
        location=to_latlon(center),
        zoom_start=10,
        tiles=None,
        max_zoom=18,
        prefer_canvas=True,
        control_scale=True,
        zoom_snap=0.25,
    )
    # Only Leaflet itself: the map draws its own markers, so folium's jQuery, Bootstrap,
    # Font Awesome and awesome-markers are dead weight (and more files to serve offline).
    fmap.default_js = [js for js in fmap.default_js if js[0] == "leaflet"]
    fmap.default_css = [css for css in fmap.default_css if css[0] == "leaflet_css"]
    root = fmap.get_root()
    if isinstance(root, Figure):
        root.title = MAP_TITLE
    fmap.add_child(ClientAssets())

    folium.TileLayer("OpenStreetMap", name="OpenStreetMap", max_zoom=18).add_to(fmap)
    folium.TileLayer(
        "Esri.WorldGrayCanvas", name="Light (Esri World Gray Canvas)", max_zoom=16, show=False
    ).add_to(fmap)

    admin.admin_layer(inputs.districts_path).add_to(fmap)
    corridor.corridor_layer(inputs.corridor, road_provenance=inputs.road.provenance).add_to(fmap)
    corridor.band_layer(
        inputs.band_lonlat,
        area_km2=geodesic_area_km2(inputs.band_lonlat),
        difference_km2=readings_difference_km2(inputs.corridor.polygon_lonlat, inputs.band_lonlat),
    ).add_to(fmap)
    m4.m4_layer(inputs.road).add_to(fmap)
    for layer in m4.patrol_layer(inputs.corridor, ends=inputs.patrol_ends):
        layer.add_to(fmap)
    places.places_layer(inputs.places).add_to(fmap)
    incidents.incidents_layer(inputs.incidents, classes=_classes_by_id(inputs)).add_to(fmap)

    newest = max((item.event_date for item in inputs.incidents), default=None)
    as_of = f"Incidents as of {newest.isoformat()}" if newest else "No incidents loaded"
    fmap.add_child(Title(MAP_TITLE, f"{as_of} · {len(inputs.incidents)} incidents"))
    fmap.add_child(Legend("Legend", _legend_entries(inputs)))
    fmap.add_child(Attribution(DATA_ATTRIBUTION))
    folium.LayerControl(collapsed=False).add_to(fmap)
    # Keep the data clear of the title (top left) and the layer control and legend (right).
    fmap.fit_bounds(
        [to_latlon(LonLat(bounds[0], bounds[1])), to_latlon(LonLat(bounds[2], bounds[3]))],
        padding_top_left=(10, 60),
        padding_bottom_right=(120, 10),
    )
    return fmap


def _classes_by_id(inputs: MapInputs) -> dict[str, dict[str, str]]:
    columns = classified_columns(inputs.store, inputs.classification)
    ids = columns["event_id_cnty"]
    return {
        event_id: {name: values[i] for name, values in columns.items()}
        for i, event_id in enumerate(ids)
    }


def _legend_entries(inputs: MapInputs) -> list[dict[str, str]]:
    symbols = [
        ("Corridor north half: Turkish supervision", style.CORRIDOR_NORTH, "box"),
        ("Corridor south half: Russian supervision", style.CORRIDOR_SOUTH, "box"),
        ("Alternative reading: 6 km due north/south (off)", style.BAND, "line"),
        ("M4 highway (approximate line)", style.M4_LINE, "line"),
        ("Joint patrol segment", style.PATROL_SEGMENT, "line"),
        ("Patrol end", style.PATROL_END, "circle"),
        ("Place", style.PLACE, "circle"),
    ]
    entries = [
        {
            "label": label,
            "color": symbol["color"],
            "fill": symbol.get("fillColor", ""),
            "shape": shape,
        }
        for label, symbol, shape in symbols
    ]
    return [
        {key: str(value) for key, value in entry.items()}
        for entry in entries + incidents.legend_entries(inputs.incidents)
    ]


def render_html(fmap: folium.Map, *, offline: bool = True) -> str:
    """Render the map as a complete HTML page; inline every asset when ``offline``."""
    html: str = fmap.get_root().render()
    return inline_assets(html) if offline else html
