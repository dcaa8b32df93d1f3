"""folium elements that hand plain data to the page's own builders in ``js/idlib_map.js``.

Data goes into the page once, as a JSON block (never run); the browser builds markers,
popups and tooltips from it with DOM nodes, so text from the data never becomes HTML.
"""

from __future__ import annotations

from importlib import resources
from typing import Any

import folium
from branca.element import Element, Figure, MacroElement
from jinja2 import Template

from layers.packing import script_json

#: The page's layer builders (functions of ``IdlibMap`` in js/).
BUILDERS = frozenset({"points", "shapes", "userLayer", "incidents", "incidentHeat", "places"})
#: The project's own scripts and styles, inlined in this order.
OWN_SCRIPTS = ("idlib_map.js", "incidents.js", "controls.js", "places.js")


def _asset_text(name: str) -> str:
    return resources.files("layers").joinpath("js", name).read_text(encoding="utf-8")


class ClientAssets(MacroElement):
    """Inline the project's own JS and CSS into the page header and register the map.

    ``extra_css`` is added after the project's stylesheet (e.g. the incident symbol colours).
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        IdlibMap.setMap({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, *, extra_css: str = "") -> None:
        super().__init__()
        self._name = "ClientAssets"
        self.extra_css = extra_css.replace("</", "<\\/")

    def render(self, **kwargs: Any) -> None:  # type: ignore[override]  # noqa: ANN401
        """Add the script and style elements to the figure header."""
        figure = self.get_root()
        if not isinstance(figure, Figure):
            msg = "ClientAssets must be added to a map inside a Figure"
            raise TypeError(msg)
        css = _asset_text("idlib_map.css") + self.extra_css
        figure.header.add_child(Markup(f"<style>{css}</style>"), name="idlib_css")
        for name in OWN_SCRIPTS:
            script = _asset_text(name).replace("</", "<\\/")
            figure.header.add_child(Markup(f"<script>{script}</script>"), name=f"idlib_{name}")
        super().render(**kwargs)


class Markup(Element):
    """Markup that goes into the page as it is: not a template, so braces stay braces.

    As a template (``Element(text)``), the 74 KB of the project's scripts and style were
    parsed and compiled by jinja at every page render, and a ``{{`` or ``{#`` in them would
    have been read as template code. :func:`layers.compose.render_html` uses it for every
    element's rendered macros too.
    """

    def __init__(self, html: str) -> None:
        super().__init__()
        self._name = "Markup"
        self.html = html

    def render(self, **kwargs: Any) -> str:  # noqa: ANN401, ARG002 - branca's signature
        """Return the markup."""
        return self.html


class ClientLayer(folium.map.Layer):
    """A layer built in the browser by ``IdlibMap.<builder>(data, options)``.

    The data travels in a JSON block (``<script type="application/json">``) in the page's
    body, which the browser never runs but parses with ``JSON.parse``; the page's security
    policy hashes only the scripts, so it stays the same whatever the data
    (:mod:`layers.csp`).

    Parameters
    ----------
    data
        A GeoJSON FeatureCollection (lon/lat) whose properties hold ``style``, ``label`` and
        ``popup`` as plain data.
    builder
        ``"points"`` (circle markers) or ``"shapes"`` (lines and polygons).
    name
        The name shown in the layer control.
    show
        Whether the layer is on when the map opens.
    options
        Builder options, e.g. ``{"permanentLabels": True}``.
    data_json
        The data as JSON text already (e.g. a template placeholder) instead of ``data``.
    """

    _template = Template(
        """
        {% macro html(this, kwargs) %}
        <script type="application/json" id="{{ this.get_name() }}-data">
        {{- this.data_json }}</script>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = IdlibMap.{{ this.builder }}(
            IdlibMap.pageData("{{ this.get_name() }}-data"), {{ this.options_json }});
        {% endmacro %}
        """
    )

    def __init__(
        self,
        data: dict[str, Any],
        *,
        builder: str,
        name: str,
        show: bool = True,
        overlay: bool = True,
        options: dict[str, Any] | None = None,
        data_json: str | None = None,
    ) -> None:
        if builder not in BUILDERS:
            msg = f"unknown builder {builder!r}; expected one of {', '.join(sorted(BUILDERS))}"
            raise ValueError(msg)
        super().__init__(name=name, overlay=overlay, control=True, show=show)
        self._name = "ClientLayer"
        self.builder = builder
        self.data = data
        self.data_json = script_json(data) if data_json is None else data_json
        self.options_json = script_json({**(options or {}), "name": name})


class Legend(MacroElement):
    """A legend box; ``entries`` are ``{"label", "color", "fill", "shape"}`` dicts."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        IdlibMap.legend(
            {{ this._parent.get_name() }}, {{ this.title_json }}, {{ this.entries_json }},
            {{ this.notes_json }});
        {% endmacro %}
        """
    )

    def __init__(
        self, title: str, entries: list[dict[str, str]], notes: list[str] | None = None
    ) -> None:
        super().__init__()
        self._name = "Legend"
        self.entries = entries
        self.notes_json = script_json(notes or [])
        self.title_json = script_json(title)
        self.entries_json = script_json(entries)


class Attribution(MacroElement):
    """Plain-text attribution lines added to the map's attribution control."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        IdlibMap.attribution({{ this._parent.get_name() }}, {{ this.texts_json }});
        {% endmacro %}
        """
    )

    def __init__(self, texts: list[str]) -> None:
        super().__init__()
        self._name = "Attribution"
        self.texts = texts
        self.texts_json = script_json(texts)


class Title(MacroElement):
    """A title box in the top-left corner with a smaller subtitle line.

    An empty ``subtitle`` shows the incident layer's own (date of the newest, count).
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var control = L.control({position: "topleft"});
            control.onAdd = function () {
                var box = document.createElement("div");
                box.className = "idlib-title leaflet-bar";
                box.textContent = {{ this.title_json }};
                var sub = document.createElement("small");
                var incidents = IdlibMap.incidentData;
                sub.textContent = {{ this.subtitle_json }} ||
                    (incidents ? incidents.set.data.subtitle : "");
                box.appendChild(sub);
                return box;
            };
            control.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
        """
    )

    def __init__(self, title: str, subtitle: str) -> None:
        super().__init__()
        self._name = "Title"
        self.title_json = script_json(title)
        self.subtitle_json = script_json(subtitle)


class FitView(MacroElement):
    """Fit the map to ``bounds`` (lon/lat west, south, east, north) and every incident.

    The incident extent comes from the page's data, so a page template stays the same when
    only the incidents change. Padding in pixels leaves room for the title and legend.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.fitBounds(
            IdlibMap.viewBounds({{ this.bounds_json }}),
            {paddingTopLeft: {{ this.top_left }}, paddingBottomRight: {{ this.bottom_right }}});
        {% endmacro %}
        """
    )

    def __init__(
        self,
        bounds: tuple[float, float, float, float],
        *,
        padding_top_left: tuple[int, int] = (10, 60),
        padding_bottom_right: tuple[int, int] = (120, 10),
    ) -> None:
        super().__init__()
        self._name = "FitView"
        west, south, east, north = bounds
        self.bounds_json = script_json([[south, west], [north, east]])
        self.top_left = script_json(list(padding_top_left))
        self.bottom_right = script_json(list(padding_bottom_right))
