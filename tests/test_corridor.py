"""The corridor checked geodesically: width, sides, area, halves, ends, the other reading."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from pyproj import Transformer

from geo.band import north_south_band, readings_difference_km2
from geo.corridor import CORRIDOR_HALF_WIDTH_M, GEOD, build_corridor, to_corridor_crs, to_lonlat
from geo.corridor_query import ON_ROAD_M, CorridorIndex
from geo.crs import CORRIDOR_CRS, WGS84, transformer
from geo.errors import CRSError
from geo.project import MapInputs, load_inputs
from geo.road_file import load_road_file
from tests.geodesy import distance_to_polyline_m

if TYPE_CHECKING:
    from pathlib import Path

INPUTS: MapInputs = load_inputs()
CORRIDOR = INPUTS.corridor
INDEX = CorridorIndex(CORRIDOR, INPUTS.road.line_lonlat)
SEGMENT = np.asarray(CORRIDOR.segment_lonlat.coords)


def _expected_area_km2(segment_proj: shapely.LineString, width_m: float) -> float:
    """2 w L, less what bends lose: per turn of angle a, w^2 (tan(a/2) - a/2) (flat ends)."""
    coords = np.asarray(segment_proj.coords)
    headings = np.arctan2(*np.diff(coords, axis=0).T[::-1])
    turns = np.abs((np.diff(headings) + np.pi) % (2 * np.pi) - np.pi)
    loss = float(np.sum(width_m**2 * (np.tan(turns / 2) - turns / 2)))
    return float(2 * width_m * segment_proj.length - loss) / 1e6


def test_boundary_is_6_km_from_the_road_geodesically() -> None:
    ring = shapely.segmentize(CORRIDOR.polygon_proj.exterior, 50)
    lon, lat = np.asarray(to_lonlat(ring).coords).T
    # Leave out the flat end caps: points whose nearest road point is a segment end.
    distance, near_lon, near_lat = distance_to_polyline_m(lon, lat, SEGMENT)
    _, _, to_west = GEOD.inv(
        near_lon, near_lat, np.full_like(lon, SEGMENT[0, 0]), np.full_like(lon, SEGMENT[0, 1])
    )
    _, _, to_east = GEOD.inv(
        near_lon, near_lat, np.full_like(lon, SEGMENT[-1, 0]), np.full_like(lon, SEGMENT[-1, 1])
    )
    sides = (to_west > 1) & (to_east > 1)
    assert sides.sum() >= 1_000
    error = np.abs(distance[sides] - CORRIDOR_HALF_WIDTH_M)
    assert error.max() <= 1.0, error.max()


def test_area_matches_width_times_length_and_halves_add_up() -> None:
    expected = _expected_area_km2(CORRIDOR.segment_proj, CORRIDOR.half_width_m)
    assert CORRIDOR.area_km2 == pytest.approx(expected, rel=0.005)
    assert CORRIDOR.north_area_km2 + CORRIDOR.south_area_km2 == pytest.approx(
        CORRIDOR.area_km2, rel=1e-6
    )
    assert CORRIDOR.north_lonlat.intersection(CORRIDOR.south_lonlat).area < 1e-9


def test_straight_road_area_is_2_w_l() -> None:
    corridor = build_corridor(shapely.LineString([(36.2, 35.8), (36.45, 35.83), (36.7, 35.86)]))
    assert corridor.area_km2 == pytest.approx(2 * 6 * corridor.length_km, rel=0.005)


def test_ends_are_flat() -> None:
    west = SEGMENT[0]
    # 3 km past the western terminus along the road: outside (a round cap would include it).
    azimuth = GEOD.inv(SEGMENT[1, 0], SEGMENT[1, 1], west[0], west[1])[0]
    lon, lat, _ = GEOD.fwd(west[0], west[1], azimuth, 3_000)
    assert INDEX.side([lon], [lat])[0] == "outside"


# Points near the middle part of the road, away from the flat ends.
_along = st.floats(min_value=0.1, max_value=0.9)
_offset = st.floats(min_value=-20_000, max_value=20_000).filter(
    lambda m: abs(m) >= 101 and abs(abs(m) - 6_000) >= 1
)


@settings(max_examples=300, deadline=None)
@given(_along, _offset)
def test_points_within_6_km_are_inside_and_beyond_are_outside(
    fraction: float, offset_m: float
) -> None:
    base = to_lonlat(CORRIDOR.segment_proj.interpolate(fraction, normalized=True))
    # Walk perpendicular to the local road direction, geodesically.
    ahead = to_lonlat(CORRIDOR.segment_proj.interpolate(fraction + 0.001, normalized=True))
    azimuth = GEOD.inv(base.x, base.y, ahead.x, ahead.y)[0] - 90 * np.sign(offset_m)
    lon, lat, _ = GEOD.fwd(base.x, base.y, azimuth, abs(offset_m))
    true_m, near_lon, near_lat = distance_to_polyline_m(np.array([lon]), np.array([lat]), SEGMENT)
    to_ends = GEOD.inv(
        near_lon.repeat(2), near_lat.repeat(2), SEGMENT[[0, -1], 0], SEGMENT[[0, -1], 1]
    )[2]
    if to_ends.min() < 1:
        return  # nearest road point is a terminus: the flat end decides, not the width
    side = INDEX.side([lon], [lat])[0]
    if abs(true_m[0] - ON_ROAD_M) < 1:
        return  # within a metre of the on-road line (a bend brings the road nearer): either
    if true_m[0] < ON_ROAD_M:
        assert side == "road"
    elif true_m[0] <= CORRIDOR_HALF_WIDTH_M - 1:
        assert side not in {"outside", "road"}
        # north/south agrees with the geodesic azimuth from the nearest road point, taken
        # against the road's direction there (west to east)
        near_proj = to_corridor_crs(shapely.Point(near_lon[0], near_lat[0]))
        along_m = CORRIDOR.segment_proj.project(near_proj)
        onward = to_lonlat(CORRIDOR.segment_proj.interpolate(along_m + 10))
        road_az = GEOD.inv(near_lon[0], near_lat[0], onward.x, onward.y)[0]
        to_point = GEOD.inv(near_lon[0], near_lat[0], lon, lat)[0]
        left = np.sin(np.radians(to_point - road_az)) < 0
        assert side == ("north" if left else "south")
    elif true_m[0] >= CORRIDOR_HALF_WIDTH_M + 1:
        assert side == "outside"


@settings(max_examples=200, deadline=None)
@given(st.floats(min_value=35.95, max_value=36.95), st.floats(min_value=35.55, max_value=36.05))
def test_distance_to_m4_is_geodesic_within_a_metre(lon: float, lat: float) -> None:
    road = np.asarray(INPUTS.road.line_lonlat.coords)
    true_m, _, _ = distance_to_polyline_m(np.array([lon]), np.array([lat]), road)
    if true_m[0] > 20_000:
        return
    assert INDEX.distance_to_m4_m([lon], [lat])[0] == pytest.approx(true_m[0], abs=1.0)


def test_certainty_from_position_uncertainty() -> None:
    road = CORRIDOR.segment_proj
    coords = np.asarray(road.coords)
    longest = int(np.argmax(np.hypot(*np.diff(coords, axis=0).T)))
    a, b = coords[longest], coords[longest + 1]
    middle, direction = (a + b) / 2, (b - a) / np.hypot(*(b - a))
    normal = np.array([-direction[1], direction[0]])  # to the left: north
    offsets = np.array([0, 4_500, 5_500, 6_400, 8_000])
    points = [to_lonlat(shapely.Point(*(middle + m * normal))) for m in offsets]
    lon, lat = np.array([p.x for p in points]), np.array([p.y for p in points])
    distance = np.array([road.distance(to_corridor_crs(p)) for p in points])
    expected = np.where(
        distance <= 5_000, "certain", np.where(distance <= 7_000, "possible", "outside")
    )
    assert list(INDEX.certainty(lon, lat, 1_000)) == list(expected)
    assert list(expected) == ["certain", "certain", "possible", "possible", "outside"]
    assert list(INDEX.certainty(lon, lat, 0)) == [
        "certain",
        "certain",
        "certain",
        "outside",
        "outside",
    ]
    assert list(INDEX.side(lon, lat))[1:] == ["north", "north", "outside", "outside"]


def test_north_south_band_reading() -> None:
    band = north_south_band(CORRIDOR.segment_lonlat)
    lat = np.asarray(band.exterior.coords)[:, 1]
    # Its north and south edges are 6 km of latitude from the road's points.
    assert band.contains(CORRIDOR.segment_lonlat)
    difference = readings_difference_km2(CORRIDOR.polygon_lonlat, band)
    assert 0 < difference < CORRIDOR.area_km2
    assert lat.max() - lat.min() > 0.1


def _write_line(path: Path, coords: list[list[float]]) -> Path:
    geometry = {"type": "LineString", "coordinates": coords}
    feature = {"type": "Feature", "properties": {}, "geometry": geometry}
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    return path


def test_swapped_or_metric_road_is_refused(tmp_path: Path) -> None:
    swapped = [[lat, lon] for lon, lat in np.asarray(INPUTS.road.line_lonlat.coords).tolist()]
    with pytest.raises(CRSError, match="swapped"):
        load_road_file(_write_line(tmp_path / "swapped.geojson", swapped))
    metric = (np.asarray(CORRIDOR.segment_proj.coords) + np.array([500_000, 3_960_000])).tolist()
    with pytest.raises(CRSError, match="look like metres"):
        load_road_file(_write_line(tmp_path / "metric.geojson", metric))


def test_the_written_out_transforms_are_the_ones_pyproj_finds() -> None:
    """geo.crs builds its two transformers from pipelines: the same operations, same bits."""
    rng = np.random.default_rng(7)
    lon, lat = rng.uniform(35.0, 38.0, 1000), rng.uniform(34.5, 37.5, 1000)
    x, y = rng.uniform(-150_000, 150_000, 1000), rng.uniform(-150_000, 150_000, 1000)
    for (source, target), points in (((WGS84, CORRIDOR_CRS), (lon, lat)),
                                     ((CORRIDOR_CRS, WGS84), (x, y))):  # fmt: skip
        found = Transformer.from_crs(source, target, always_xy=True)
        assert transformer(source, target).definition == found.definition
        for ours, theirs in zip(transformer(source, target).transform(*points),
                                found.transform(*points), strict=True):  # fmt: skip
            assert np.array_equal(ours, theirs)
