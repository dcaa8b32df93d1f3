"""Compose the layers into one folium map and render it as a self-contained HTML page."""

from __future__ import annotations

import re
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import folium
from branca.element import Element, Figure, MacroElement

from geo.band import readings_difference_km2
from geo.coords import LonLat, to_latlon
from geo.corridor import geodesic_area_km2
from layers import admin, corridor, incidents, m4, places, posts, style, user_layers
from layers.clientside import Attribution, ClientAssets, FitView, Legend, Markup, Title
from layers.controls import MapControls
from layers.csp import with_policy
from layers.offline import inline_assets
from layers.page import DATA_PLACEHOLDER, TemplateError
from layers.vendor import VendorAssets

if TYPE_CHECKING:
    from collections.abc import Iterator

    from geo.incidents.rows import IncidentRows
    from geo.project import StaticInputs

_HEX_ID = re.compile(r"(?<=_)[0-9a-f]{32}(?![0-9a-f])")
MAP_TITLE = "Idlib de-escalation zone: M4 security corridor and incidents"
DATA_ATTRIBUTION = [
    "Places: Who's On First (CC0), GeoNames (CC BY 4.0), Wikipedia contributors (CC BY-SA)",
    "Boundaries: OCHA (CC BY 3.0 IGO)",
    "Turkish posts: Wikipedia contributors (CC BY-SA)",
    "M4 line approximate (waypoints); post and incident points are village points",
]
#: Headings shown above the first overlay of each group in the layer control.
LAYER_GROUPS = {
    corridor.LAYER_NAME: "Corridor (5 March 2020 protocol)",
    places.LAYER_NAME: "Places and posts",
    incidents.LAYER_NAME: "Incidents",
    admin.LAYER_NAME: "Reference",
}


def build_map(inputs: StaticInputs, rows: IncidentRows | None = None) -> folium.Map:
    """Return the folium map with every layer, the legend, controls and a layer control.

    Without ``rows`` the incident data is a placeholder: render the page once with
    :func:`render_template` and complete it for any store with :func:`fill_template`.
    Render it with :func:`render_html`, not folium's ``save()``: that would read template
    syntax in the data as jinja code (see :func:`_macros_as_markup`).
    """
    bounds = inputs.corridor.polygon_lonlat.bounds
    center = LonLat(lon=(bounds[0] + bounds[2]) / 2, lat=(bounds[1] + bounds[3]) / 2)
    fmap = folium.Map(
        location=to_latlon(center),
        tiles=None,
        max_zoom=18,
        prefer_canvas=True,
        control_scale=True,
        zoom_snap=0.25,
    )
    # folium gives the map no zoom range when tiles=None; without one, Leaflet's range comes
    # from the tile layers, and once the offline fallback removes them it is unbounded, which
    # sends MarkerCluster's per-zoom loops on for ever. Bound it here.
    fmap.options["maxZoom"] = 18
    fmap.options["minZoom"] = 5
    # No starting zoom (folium sets one even when not given): Leaflet then gives the map no
    # view until FitView sets the fitted one, and every layer added before it waits and draws
    # once, there, instead of twice. IdlibMap.setMap falls back to zoom 10 if FitView never runs.
    fmap.options.pop("zoom", None)
    # Only Leaflet itself and the plugins in VendorAssets: the map draws its own markers, so
    # folium's jQuery, Bootstrap, Font Awesome and awesome-markers are dead weight.
    fmap.default_js = [js for js in fmap.default_js if js[0] == "leaflet"]
    fmap.default_css = [css for css in fmap.default_css if css[0] == "leaflet_css"]
    root = fmap.get_root()
    if isinstance(root, Figure):
        root.title = MAP_TITLE
    fmap.add_child(VendorAssets())
    fmap.add_child(ClientAssets(extra_css=incidents.symbol_css()))

    folium.TileLayer("OpenStreetMap", name="OpenStreetMap", max_zoom=18).add_to(fmap)
    folium.TileLayer(
        "Esri.WorldGrayCanvas", name="Light (Esri World Gray Canvas)", max_zoom=16, show=False
    ).add_to(fmap)
    folium.TileLayer(
        "Esri.WorldImagery", name="Satellite (Esri World Imagery)", max_zoom=18, show=False
    ).add_to(fmap)
    offline_base = admin.offline_base(inputs.admin_dir)
    offline_base.add_to(fmap)

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
    posts.posts_layer(inputs.posts).add_to(fmap)
    for layer in incidents.incidents_layers(rows):
        layer.add_to(fmap)
    admin.admin_layer(inputs.admin_dir).add_to(fmap)
    # After the incidents: a dated layer follows their filter.
    taken = set(_layer_names(fmap))
    for layer in user_layers.user_layers(inputs.user_layers, taken=taken):
        layer.add_to(fmap)

    fmap.add_child(Title(MAP_TITLE, ""))  # the subtitle comes with the incident data
    notes = [
        "Positions are village points; the M4 is a line through waypoints, not road geometry.",
        f"Posts not located in the sources: {', '.join(posts.unlocated(inputs.posts))}.",
    ]
    legend = _legend_entries() + user_layers.legend_entries(inputs.user_layers)
    fmap.add_child(Legend("Legend", legend, notes))
    fmap.add_child(Attribution(DATA_ATTRIBUTION + user_layers.attributions(inputs.user_layers)))
    # Fit first: a shared link's view (read by MapControls from the URL) must win over it.
    fmap.add_child(FitView(bounds))
    layer_control = folium.LayerControl(collapsed=True)
    layer_control.add_to(fmap)
    groups = dict(LAYER_GROUPS)
    if inputs.user_layers:
        groups[inputs.user_layers[0].spec.name] = user_layers.GROUP_HEADING
    options = _control_options(offline_base.data, groups)
    fmap.add_child(MapControls(layer_control=layer_control, options=options))
    return fmap


def _layer_names(fmap: folium.Map) -> list[str]:
    """Return the names of the overlays and base maps added to ``fmap`` so far."""
    return [
        child.layer_name
        for child in fmap._children.values()  # noqa: SLF001 - branca keeps children private
        if isinstance(child, folium.map.Layer)
    ]


def _control_options(districts: dict[str, Any], groups: dict[str, str]) -> dict[str, Any]:
    """Options of MapControls: the controls find their layers by name."""
    return {
        "incidents": incidents.LAYER_NAME,
        "places": places.LAYER_NAME,
        "offlineBase": admin.OFFLINE_BASE_NAME,
        "groups": groups,
        "miniMap": {"type": "FeatureCollection", "features": [
            {"type": "Feature", "geometry": f["geometry"], "properties": {}}
            for f in districts["features"]
        ]},
        "miniMapStyle": {"color": "#777", "weight": 1, "fill": False},
    }  # fmt: skip


def _legend_entries() -> list[dict[str, str]]:
    symbols = [
        (
            "Corridor north half: Turkish supervision",
            style.CORRIDOR_NORTH,
            "box",
            corridor.LAYER_NAME,
        ),
        (
            "Corridor south half: Russian supervision",
            style.CORRIDOR_SOUTH,
            "box",
            corridor.LAYER_NAME,
        ),
        ("Alternative reading: 6 km due north/south", style.BAND, "line", corridor.BAND_LAYER_NAME),
        ("M4 highway (approximate line)", style.M4_LINE, "line", m4.M4_LAYER_NAME),
        ("Joint patrol segment", style.PATROL_SEGMENT, "line", m4.PATROL_LAYER_NAME),
        ("Patrol end", style.PATROL_END, "circle", "Patrol ends"),
        ("Place", style.PLACE, "circle", places.LAYER_NAME),
        ("Turkish post of 2017-2018", style.POST_ORIGINAL, "circle", posts.LAYER_NAME),
        ("Turkish post of 2019-2020", style.POST_LATER, "circle", posts.LAYER_NAME),
    ]
    entries = [
        {"label": label, "color": str(symbol["color"]), "fill": str(symbol.get("fillColor", "")),
         "shape": shape, "layer": layer}
        for label, symbol, shape, layer in symbols
    ]  # fmt: skip
    extra = [
        {"label": "Incident density (more incidents: warmer)", "color": "#f03b20",
         "fill": "#feb24c", "shape": "box", "layer": incidents.HEAT_LAYER_NAME},
        {"label": "Governorate / district / sub-district boundary",
         "color": str(style.ADMIN["color"]), "fill": "", "shape": "line",
         "layer": admin.LAYER_NAME},
    ]  # fmt: skip
    return entries + incidents.legend_entries() + extra


def render_html(fmap: folium.Map, *, offline: bool = True) -> str:
    """Render the map as a complete HTML page; inline every asset when ``offline``.

    folium names each element with a random id; they are renamed in document order, so the
    same inputs give the same bytes.
    """
    root = fmap.get_root()
    with _macros_as_markup():
        html: str = root.render()
    html = _stable_ids(html, _element_ids(root))
    return inline_assets(html) if offline else html


@contextmanager
def _macros_as_markup() -> Iterator[None]:
    """While rendering, put each element's rendered macros in the page as they are.

    branca (0.8) wraps the rendered header, html and script of every ``MacroElement`` in
    ``Element(text)``, which has jinja read that text as a template once more: template
    syntax in the data, such as ``{{ ... }}`` in a property of an analyst's layer or in its
    name, was evaluated, and jinja's expressions reach Python (``os`` included). The
    second parse was also most of the rendering time of the layers' data.
    """
    original = MacroElement.render
    MacroElement.render = _render_macros  # type: ignore[method-assign]
    try:
        yield
    finally:
        MacroElement.render = original  # type: ignore[method-assign]


def _render_macros(self: MacroElement, **kwargs: Any) -> None:  # noqa: ANN401
    """``MacroElement.render`` of branca 0.8, with the macros' output kept as markup."""
    figure = self.get_root()
    if not isinstance(figure, Figure):
        msg = "an element can be rendered only inside a Figure"
        raise TypeError(msg)
    macros = self._template.module.__dict__
    for part, target in (("header", figure.header), ("html", figure.html),
                         ("script", figure.script)):  # fmt: skip
        macro = macros.get(part)
        if macro is not None:
            target.add_child(Markup(macro(self, kwargs)), name=self.get_name())
    for element in self._children.values():
        element.render(**kwargs)


def _element_ids(element: Element) -> list[str]:
    """Return the random ids of ``element`` and everything under it."""
    ids = [element._id]  # noqa: SLF001 - branca keeps the id private
    for child in element._children.values():  # noqa: SLF001
        ids += _element_ids(child)
    return ids


def _stable_ids(html: str, ids: list[str]) -> str:
    """Replace each of ``ids`` in ``html`` by a counter, numbered by first appearance."""
    wanted = set(ids)
    numbers: dict[str, str] = {}

    def rename(match: re.Match[str]) -> str:
        found = match.group(0)
        if found not in wanted:
            return found
        return numbers.setdefault(found, f"{len(numbers) + 1:032x}")

    return _HEX_ID.sub(rename, html)


def render_template(inputs: StaticInputs, *, offline: bool = True) -> str:
    """Render the page, with its security policy, and a placeholder for the incident data.

    :func:`layers.incident_data.fill_template` completes it for a store. The placeholder is
    in a JSON block, which the policy does not hash: it holds for every store.
    """
    html = render_html(build_map(inputs), offline=offline)
    if html.count(DATA_PLACEHOLDER) != 1:
        msg = "the rendered page must hold the incident placeholder exactly once"
        raise TemplateError(msg)
    return with_policy(html)
