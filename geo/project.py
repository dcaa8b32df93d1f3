"""Load everything the map shows from the bundled data, in one typed bundle."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING

import shapely

from geo import datasets
from geo.admin import AdminAreas
from geo.band import north_south_band
from geo.corridor import Corridor, build_corridor, patrol_segment, to_corridor_crs
from geo.corridor_query import CorridorIndex
from geo.errors import GeometryError
from geo.incidents.classify import Classification, classify
from geo.incidents.store import check_store_text
from geo.m4 import Road, load_m4
from geo.places import Place, load_places
from geo.posts import Post, load_posts
from geo.road_file import load_road_file
from geo.store.open import open_store
from geo.user_layers import UserLayer, UserLayerSpec, load_user_layers

if TYPE_CHECKING:
    from pathlib import Path

    from shapely import Polygon

    from geo.incidents import Incident, IncidentStore
    from geo.store.location import DatabaseLocation

#: The patrol termini named by the 5 March 2020 protocol, as gazetteer place ids.
PATROL_WEST_ID = "ain_al_hawr"
PATROL_EAST_ID = "trinbeh"
#: How far a patrol terminus may lie from the road: the bundled points are village points.
PATROL_END_MAX_M = 3_000.0


@dataclass(frozen=True)
class StaticInputs:
    """Everything on the map but the incidents: places, road, corridor, posts, boundaries."""

    places: list[Place]
    road: Road
    patrol_ends: tuple[Place, Place]
    corridor: Corridor
    posts: list[Post]
    admin_dir: Path
    admin: AdminAreas
    corridor_index: CorridorIndex
    #: The analysts' own layers (``--layer`` / ``[[layers]]``), checked, in WGS84.
    user_layers: tuple[UserLayer, ...] = ()

    @property
    def places_by_id(self) -> dict[str, Place]:
        """Gazetteer places by id."""
        return {place.place_id: place for place in self.places}

    @functools.cached_property
    def band_lonlat(self) -> Polygon:
        """The protocol's due-north-and-south reading (:func:`geo.band.north_south_band`).

        Built on first use: only the page template and the exports draw it, and a build
        whose template is cached writes the map without it (0.05 s, 3 Dec 2026).
        """
        return north_south_band(self.corridor.segment_lonlat)


@dataclass(frozen=True, slots=True)
class MapInputs:
    """The data of one map: the static inputs plus the validated, classified incidents."""

    static: StaticInputs
    store: IncidentStore
    classification: Classification

    @property
    def places(self) -> list[Place]:
        """The static inputs' ``places``."""
        return self.static.places

    @property
    def road(self) -> Road:
        """The static inputs' ``road``."""
        return self.static.road

    @property
    def patrol_ends(self) -> tuple[Place, Place]:
        """The static inputs' ``patrol_ends``."""
        return self.static.patrol_ends

    @property
    def corridor(self) -> Corridor:
        """The static inputs' ``corridor``."""
        return self.static.corridor

    @property
    def band_lonlat(self) -> Polygon:
        """The static inputs' ``band_lonlat``."""
        return self.static.band_lonlat

    @property
    def posts(self) -> list[Post]:
        """The static inputs' ``posts``."""
        return self.static.posts

    @property
    def admin_dir(self) -> Path:
        """The static inputs' ``admin_dir``."""
        return self.static.admin_dir

    def incidents(self) -> list[Incident]:
        """Return the incidents as objects, in date order."""
        return self.store.incidents()


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


def load_static(
    *,
    data_dir: Path = datasets.DATA_DIR,
    road_path: Path | None = None,
    layers: tuple[UserLayerSpec, ...] = (),
) -> StaticInputs:
    """Load and derive everything but the incidents from ``data_dir`` (:func:`static_files`).

    Parameters
    ----------
    data_dir
        Folder with ``places.csv``, ``m4_waypoints.csv``, ``observation_posts.csv`` and
        ``admin/``.
    road_path
        A road geometry file replacing the bundled M4 waypoint line.
    layers
        Analyst layers to read and check (:mod:`geo.user_layers`).
    """
    places = load_places(data_dir / "places.csv")
    road = load_road(data_dir=data_dir, road_path=road_path)
    west, east = patrol_ends(places)
    check_ends_near_road(road, (west, east))
    segment = patrol_segment(road.line_lonlat, west=west.position, east=east.position)
    if segment.length == 0:
        raise GeometryError("the patrol segment has no length")
    corridor = build_corridor(segment)
    return StaticInputs(
        places=places,
        road=road,
        patrol_ends=(west, east),
        corridor=corridor,
        posts=load_posts(data_dir / "observation_posts.csv"),
        admin_dir=data_dir / "admin",
        admin=AdminAreas.load(data_dir / "admin"),
        corridor_index=CorridorIndex(corridor, road.line_lonlat),
        user_layers=tuple(load_user_layers(layers)),
    )


def load_inputs(
    *,
    data_dir: Path = datasets.DATA_DIR,
    store: Path | DatabaseLocation | None = None,
    road_path: Path | None = None,
    static: StaticInputs | None = None,
) -> MapInputs:
    """Load the static inputs (or reuse ``static``) and the validated, classified store.

    ``store`` is a CSV store's path or a database store's location (as ``--store`` gives
    it; read with one COPY); it defaults to ``data_dir / "incidents.csv"``.
    """
    static = static or load_static(data_dir=data_dir, road_path=road_path)
    text = open_store(store or data_dir / "incidents.csv").read_text()
    incidents = check_store_text(text, admin=static.admin, places=static.places_by_id)
    classes = classify(
        incidents.parsed, index=static.corridor_index, places=static.places, admin=static.admin
    )
    return MapInputs(static=static, store=incidents, classification=classes)
