"""Load everything the map shows from the bundled data, in one typed bundle."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from geo import datasets
from geo.corridor import Corridor, build_corridor, patrol_segment
from geo.incidents import Incident, load_incidents
from geo.m4 import Road, Waypoint, load_m4
from geo.places import Place, load_places

if TYPE_CHECKING:
    from pathlib import Path

#: The patrol termini named by the 5 March 2020 protocol, as M4 waypoint names.
PATROL_WEST = "Ain al-Hawr"
PATROL_EAST = "Trinbeh"


@dataclass(frozen=True, slots=True)
class MapInputs:
    """The data of one map: places, the road, the corridor, incidents and boundary files."""

    places: list[Place]
    road: Road
    patrol_ends: tuple[Waypoint, Waypoint]
    corridor: Corridor
    incidents: list[Incident]
    governorates_path: Path
    districts_path: Path


def load_inputs(
    *, data_dir: Path = datasets.DATA_DIR, incidents_path: Path | None = None
) -> MapInputs:
    """Load and derive the map's inputs from ``data_dir``.

    Parameters
    ----------
    data_dir
        Folder with ``places.csv``, ``m4_waypoints.csv`` and ``admin/``.
    incidents_path
        The incident store (default ``data_dir / "incidents.csv"``).
    """
    road = load_m4(data_dir / "m4_waypoints.csv")
    west, east = road.waypoint(PATROL_WEST), road.waypoint(PATROL_EAST)
    segment = patrol_segment(road.line_lonlat, west=west.position, east=east.position)
    return MapInputs(
        places=load_places(data_dir / "places.csv"),
        road=road,
        patrol_ends=(west, east),
        corridor=build_corridor(segment),
        incidents=load_incidents(incidents_path or data_dir / "incidents.csv"),
        governorates_path=data_dir / "admin" / "governorates.geojson",
        districts_path=data_dir / "admin" / "districts.geojson",
    )
