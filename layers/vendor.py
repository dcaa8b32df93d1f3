"""Third-party Leaflet plugins the map uses, linked by their CDN URL.

``layers.offline.inline_assets`` replaces each URL with the pinned npm copy (``assets.json``),
so the page works offline; with ``--cdn`` the links stay as they are.
"""

from __future__ import annotations

from branca.element import MacroElement
from folium.elements import JSCSSMixin

_CDN = "https://cdn.jsdelivr.net/npm"


class VendorAssets(JSCSSMixin, MacroElement):
    """Heat map and mini-map plugins, and the cluster styles (MIT / BSD-2-Clause).

    The incident layer clusters in ``js/incidents.js``; it borrows only MarkerCluster's
    stylesheets, so clusters look the way Leaflet users know.
    """

    default_js = [  # noqa: RUF012 - folium's own class attribute
        ("leaflet_heat", f"{_CDN}/leaflet.heat@0.2.0/dist/leaflet-heat.js"),
        ("minimap", f"{_CDN}/leaflet-minimap@3.6.1/dist/Control.MiniMap.min.js"),
    ]
    default_css = [  # noqa: RUF012
        ("markercluster_css", f"{_CDN}/leaflet.markercluster@1.5.3/dist/MarkerCluster.css"),
        (
            "markercluster_default_css",
            f"{_CDN}/leaflet.markercluster@1.5.3/dist/MarkerCluster.Default.css",
        ),
        ("minimap_css", f"{_CDN}/leaflet-minimap@3.6.1/dist/Control.MiniMap.min.css"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._name = "VendorAssets"
