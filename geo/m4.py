"""The M4 highway as a line through ordered waypoints (an approximation, not road geometry)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from shapely import LineString

from geo.coords import LonLat
from geo.csvfile import read_rows
from geo.errors import DataFileError

if TYPE_CHECKING:
    from pathlib import Path

WAYPOINT_COLUMNS = ("seq", "name", "lon", "lat", "coord_source", "evidence", "confidence")

#: What the map and the docs say about this geometry.
M4_PROVENANCE = (
    "Approximate: a straight line through 14 village points reported to lie on the M4, "
    "not surveyed road geometry; good to a few hundred metres near the cited villages, "
    "worse between them."
)


@dataclass(frozen=True, slots=True)
class Waypoint:
    """One ordered point the M4 is reported to pass, with the report that says so."""

    seq: int
    name: str
    position: LonLat
    coord_source: str
    evidence: str
    confidence: str


@dataclass(frozen=True, slots=True)
class Road:
    """A road line in WGS84 (lon, lat), west to east, with where it comes from."""

    line_lonlat: LineString
    waypoints: tuple[Waypoint, ...]
    provenance: str


def load_m4(path: Path) -> Road:
    """Load the M4 waypoints CSV into a :class:`Road`.

    Raises
    ------
    DataFileError
        If a field is invalid, ``seq`` is not 1..n in order, or there are fewer than 2 points.
    """
    waypoints: list[Waypoint] = []
    for row in read_rows(path, required_columns=WAYPOINT_COLUMNS):
        seq = row.integer("seq")
        if seq != len(waypoints) + 1:
            raise row.error("seq", f"expected {len(waypoints) + 1}, found {seq}")
        waypoints.append(
            Waypoint(
                seq=seq,
                name=row.text("name"),
                position=LonLat(
                    lon=row.number("lon", low=-180, high=180),
                    lat=row.number("lat", low=-90, high=90),
                ),
                coord_source=row.text("coord_source"),
                evidence=row.text("evidence"),
                confidence=row.text("confidence"),
            )
        )
    if len(waypoints) < 2:  # noqa: PLR2004
        msg = f"{path}: a road needs at least 2 waypoints"
        raise DataFileError(msg)
    line = LineString([(point.position.lon, point.position.lat) for point in waypoints])
    return Road(line_lonlat=line, waypoints=tuple(waypoints), provenance=M4_PROVENANCE)
