"""The rendered page is self-contained: no script or stylesheet from the network."""

from pathlib import Path

import pytest

from layers.offline import OfflineAssetError, external_urls, inline_assets


def test_built_map_has_no_external_scripts_or_styles(built_map: Path) -> None:
    html = built_map.read_text(encoding="utf-8")
    assert external_urls(html) == []
    assert "<script src=" not in html
    assert 'rel="stylesheet"' not in html
    # Leaflet's own code and its control images are inside the page.
    assert "Leaflet 1.9.3" in html
    assert "data:image/png;base64," in html
    # Set before leaflet.js loads so Leaflet picks it up.
    assert html.index("L_DISABLE_3D = true") < html.index("Leaflet 1.9.3")


def test_unknown_cdn_url_is_an_error() -> None:
    html = '<script src="https://cdn.example.org/x.js"></script>'
    with pytest.raises(OfflineAssetError, match="no offline copy"):
        inline_assets(html)


def test_missing_install_says_how_to_fix(tmp_path: Path) -> None:
    html = '<script src="https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js"></script>'
    with pytest.raises(OfflineAssetError, match="make assets"):
        inline_assets(html, asset_dir=tmp_path)
