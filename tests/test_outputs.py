"""Files a build writes: corridor layers (deterministic RFC 7946), modes, settings, user road."""

from __future__ import annotations

import json
import re
import stat
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pytest

import build_map

if TYPE_CHECKING:
    from geo.project import MapInputs

ROOT = Path(__file__).resolve().parents[1]
LAYER_FILES = [
    "corridor.geojson",
    "corridor_north_south_band.geojson",
    "m4.geojson",
    "patrol_segment.geojson",
]


def build(out: Path, *extra: str) -> None:
    assert build_map.main(["--out", str(out), "--quiet", *extra]) == 0


def test_layers_are_written_and_byte_identical_across_runs(tmp_path: Path) -> None:
    build(tmp_path / "a")
    build(tmp_path / "b")
    for name in LAYER_FILES:
        first = (tmp_path / "a" / "layers" / name).read_bytes()
        assert first == (tmp_path / "b" / "layers" / name).read_bytes(), name


def test_corridor_layer_properties_and_rfc7946(tmp_path: Path, map_inputs: MapInputs) -> None:
    build(tmp_path)
    text = (tmp_path / "layers" / "corridor.geojson").read_text(encoding="utf-8")
    assert not re.search(r"\d\.\d{7,}", text)  # at most 6 decimals
    collection = json.loads(text)
    halves = {f["properties"]["side"]: f for f in collection["features"]}
    assert halves["north"]["properties"]["supervision"] == "Turkey"
    assert halves["south"]["properties"]["supervision"] == "Russia"
    for feature in halves.values():
        props = feature["properties"]
        assert props["width_m"] == 6000
        assert {"area_km2", "length_km", "source"} <= props.keys()
        ring = np.array(feature["geometry"]["coordinates"][0])
        # counter-clockwise exterior (shoelace area > 0), lon/lat order, 6 decimals at most
        signed = np.sum(ring[:-1, 0] * ring[1:, 1] - ring[1:, 0] * ring[:-1, 1]) / 2
        assert signed > 0
        assert ring[:, 0].min() > 35.7  # lon first
        assert ring[:, 1].max() < 36.7
    total = sum(f["properties"]["area_km2"] for f in halves.values())
    assert total == pytest.approx(map_inputs.corridor.area_km2, rel=1e-6)


def test_written_files_are_readable_by_others(tmp_path: Path) -> None:
    build(tmp_path)
    for path in [tmp_path / "idlib_map.html", tmp_path / "layers" / "corridor.geojson"]:
        assert path.stat().st_mode & stat.S_IROTH, path


def _road_file(
    path: Path, coords: list[list[float]] | list[list[list[float]]], kind: str = "LineString"
) -> Path:
    features = [
        {"type": "Feature", "properties": {}, "geometry": {"type": kind, "coordinates": coords}}
    ]
    path.write_text(
        json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8"
    )
    return path


def test_user_road_replaces_the_waypoint_line(
    tmp_path: Path, map_inputs: MapInputs, capsys: pytest.CaptureFixture[str]
) -> None:
    coords = np.asarray(map_inputs.road.line_lonlat.coords).tolist()
    # Two pieces that meet, east-to-west, as an OSM extract might come.
    pieces = [coords[:7][::-1], coords[6:][::-1]][::-1]
    road = _road_file(tmp_path / "m4_osm.geojson", pieces, "MultiLineString")
    assert build_map.main(["--out", str(tmp_path), "--road", str(road)]) == 0
    out = capsys.readouterr().out
    assert "User road geometry from m4_osm.geojson" in out
    layer = json.loads((tmp_path / "layers" / "m4.geojson").read_text(encoding="utf-8"))
    assert "m4_osm.geojson" in layer["features"][0]["properties"]["source"]


def test_settings_file_names_the_road(
    tmp_path: Path, map_inputs: MapInputs, capsys: pytest.CaptureFixture[str]
) -> None:
    coords = np.asarray(map_inputs.road.line_lonlat.coords).tolist()
    _road_file(tmp_path / "road.geojson", coords)
    config = tmp_path / "idlib-map.toml"
    config.write_text('[map]\nroad = "road.geojson"\n', encoding="utf-8")
    assert build_map.main(["--out", str(tmp_path), "--config", str(config)]) == 0
    assert "road.geojson" in capsys.readouterr().out
    config.write_text('[map]\nroad = "road.geojson"\nroads = "x"\n', encoding="utf-8")
    assert build_map.main(["--out", str(tmp_path), "--config", str(config)]) == 1
    assert "unknown setting(s) roads" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("coords", "kind", "message"),
    [
        ([[36.0, 35.0], [36.1, 35.0]], "LineString", "outside north-west Syria"),
        (
            [[36.3, 36.2], [36.5, 36.25], [36.9, 36.3]],
            "LineString",
            "passes",
        ),  # far from the patrol ends
        ([36.5, 35.8], "Point", "must be LineString or MultiLineString"),
        (
            [[[36.2, 35.8], [36.4, 35.8]], [[36.6, 35.85], [36.8, 35.86]]],
            "MultiLineString",
            "disconnected pieces",
        ),
        ([[36.4, 35.8], [36.41, 35.8]], "LineString", "km long"),
    ],
)
def test_bad_user_roads_are_refused_with_the_reason(
    tmp_path: Path,
    coords: list[Any],
    kind: str,
    message: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    road = _road_file(tmp_path / "road.geojson", coords, kind)
    assert build_map.main(["--out", str(tmp_path), "--road", str(road), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert message in err
    assert not (tmp_path / "idlib_map.html").exists()
