"""First checks of the corridor geometry (the corridor issue adds geodesic property tests)."""

import pytest
import shapely
from pyproj import Geod

from geo.corridor import CORRIDOR_HALF_WIDTH_M, build_corridor, to_corridor_crs, to_lonlat
from geo.project import MapInputs

GEOD = Geod(ellps="WGS84")


def test_corridor_contains_segment_and_halves_add_up(map_inputs: MapInputs) -> None:
    corridor = map_inputs.corridor
    assert corridor.polygon_lonlat.buffer(1e-9).contains(corridor.segment_lonlat)
    assert corridor.north_area_km2 + corridor.south_area_km2 == pytest.approx(
        corridor.area_km2, rel=1e-4
    )
    # A bent road overlaps itself inside its bends: the area is a little under 2 x 6 km x L.
    assert 0.97 < corridor.area_km2 / (2 * 6 * corridor.length_km) <= 1.0


def test_north_half_is_north_of_the_road(map_inputs: MapInputs) -> None:
    corridor = map_inputs.corridor
    assert corridor.north_lonlat.centroid.y > corridor.segment_lonlat.centroid.y
    assert corridor.south_lonlat.centroid.y < corridor.segment_lonlat.centroid.y


def test_straight_segment_boundary_is_6_km_geodesically() -> None:
    segment = shapely.LineString([(36.2, 35.8), (36.7, 35.85)])
    corridor = build_corridor(segment)
    middle = to_lonlat(to_corridor_crs(segment).interpolate(0.5, normalized=True))
    # Walk perpendicular to the road from its middle, to just inside and just outside.
    az = GEOD.inv(36.2, 35.8, 36.7, 35.85)[0]
    for side in (-90, 90):
        lon, lat, _ = GEOD.fwd(middle.x, middle.y, az + side, CORRIDOR_HALF_WIDTH_M - 5)
        assert corridor.polygon_lonlat.contains(shapely.Point(lon, lat))
        lon, lat, _ = GEOD.fwd(middle.x, middle.y, az + side, CORRIDOR_HALF_WIDTH_M + 5)
        assert not corridor.polygon_lonlat.contains(shapely.Point(lon, lat))
