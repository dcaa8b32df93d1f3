"""Load everything the map shows from the bundled data, in one typed bundle."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import shapely

from geo import datasets
from geo.admin import AdminAreas
from geo.band import north_south_band
from geo.corridor import Corridor, build_corridor, patrol_segment, to_corridor_crs
from geo.corridor_query import CorridorIndex
from geo.errors import GeometryError
from geo.incidents import Incident, IncidentStore, load_store
from geo.incidents.classify import Classification, classify
from geo.m4 import Road, load_m4
from geo.places import Place, load_places
from geo.posts import Post, load_posts
from geo.road_file import load_road_file

if TYPE_CHECKING:
    from pathlib import Path

    from shapely import Polygon

#: The patrol termini named by the 5 March 2020 protocol, as gazetteer place ids.
PATROL_WEST_ID = "ain_al_hawr"
PATROL_EAST_ID = "trinbeh"
#: How far a patrol terminus may lie from the road: the bundled points are village points.
PATROL_END_MAX_M = 3_000.0


@dataclass(frozen=True, slots=True)
class MapInputs:
    """The data of one map: places, the road, the corridor, incidents and boundary files."""

    places: list[Place]
    road: Road
    patrol_ends: tuple[Place, Place]
    corridor: Corridor
    band_lonlat: Polygon
    store: IncidentStore
    classification: Classification
    incidents: list[Incident]
    posts: list[Post]
    admin_dir: Path


def load_road(*, data_dir: Path = datasets.DATA_DIR, road_path: Path | None = None) -> Road:
    """Return the user's road file if given, else the bundled M4 waypoint line."""
    if road_path is not None:
        return load_road_file(road_path)
    return load_m4(data_dir / "m4_waypoints.csv")


def patrol_ends(places: list[Place]) -> tuple[Place, Place]:
    """Return the (west, east) patrol termini from the gazetteer."""
    by_id = {place.place_id: place for place in places}
    return by_id[PATROL_WEST_ID], by_id[PATROL_EAST_ID]


def check_ends_near_road(road: Road, ends: tuple[Place, Place]) -> None:
    """Raise :class:`GeometryError` if a patrol terminus lies far from the road."""
    road_proj = to_corridor_crs(road.line_lonlat)
    for end in ends:
        point = to_corridor_crs(shapely.Point(end.position.lon, end.position.lat))
        dist_m = float(shapely.distance(road_proj, point))
        if dist_m > PATROL_END_MAX_M:
            msg = (
                f"the road passes {dist_m / 1000:,.1f} km from {end.name_en}, a patrol terminus; "
                f"it should pass within {PATROL_END_MAX_M / 1000:.0f} km. Is this the M4? "
                f"({road.provenance})"
            )
            raise GeometryError(msg)


def load_inputs(
    *,
    data_dir: Path = datasets.DATA_DIR,
    incidents_path: Path | None = None,
    road_path: Path | None = None,
) -> MapInputs:
    """Load and derive the map's inputs from ``data_dir``.

    Parameters
    ----------
    data_dir
        Folder with ``places.csv``, ``m4_waypoints.csv`` and ``admin/``.
    incidents_path
        The incident store (default ``data_dir / "incidents.csv"``).
    road_path
        A road geometry file replacing the bundled M4 waypoint line.
    """
    places = load_places(data_dir / "places.csv")
    road = load_road(data_dir=data_dir, road_path=road_path)
    west, east = patrol_ends(places)
    check_ends_near_road(road, (west, east))
    segment = patrol_segment(road.line_lonlat, west=west.position, east=east.position)
    if segment.length == 0:
        raise GeometryError("the patrol segment has no length")
    corridor = build_corridor(segment)
    admin = AdminAreas.load(data_dir / "admin")
    store = load_store(
        incidents_path or data_dir / "incidents.csv",
        admin=admin,
        places={place.place_id: place for place in places},
    )
    index = CorridorIndex(corridor, road.line_lonlat)
    return MapInputs(
        places=places,
        road=road,
        patrol_ends=(west, east),
        corridor=corridor,
        band_lonlat=north_south_band(segment),
        store=store,
        classification=classify(store, index=index, places=places, admin=admin),
        incidents=store.incidents(),
        posts=load_posts(data_dir / "observation_posts.csv"),
        admin_dir=data_dir / "admin",
    )
