"""The map's own controls (js/controls.js) wired to its layers, as one folium element."""

from __future__ import annotations

from typing import Any

from branca.element import MacroElement
from jinja2 import Template

from layers.packing import script_json


class MapControls(MacroElement):
    """Filter, search, labels by zoom, legend sync, measure, full screen, URL hash, fallback.

    Add it after the layer control: it names that control to add group headings to it.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function (map) {
            var options = {{ this.options_json }};
            IdlibMap.groupHeadings({{ this.layer_control.get_name() }}, options.groups);
            IdlibMap.filterControl(map, {layer: options.incidents});
            IdlibMap.placeSearch(map, options.places);
            IdlibMap.zoomLabels(map, options.places);
            IdlibMap.legendFollowsLayers(map);
            IdlibMap.mousePosition(map);
            IdlibMap.measure(map);
            IdlibMap.fullScreen(map);
            IdlibMap.offlineFallback(map, options.offlineBase);
            if (options.miniMap && L.Control.MiniMap) {
                new L.Control.MiniMap(
                    L.geoJSON(options.miniMap, {style: options.miniMapStyle}),
                    {toggleDisplay: true, position: "bottomleft", zoomLevelOffset: -4,
                     width: 130, height: 110}
                ).addTo(map);
            }
            IdlibMap.shareableView(map);
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, *, layer_control: MacroElement, options: dict[str, Any]) -> None:
        super().__init__()
        self._name = "MapControls"
        self.layer_control = layer_control
        self.options = options
        self.options_json = script_json(options)
