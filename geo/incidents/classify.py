"""Classify incidents against the corridor, the ceasefire, places and admin areas (vectorised).

For every incident:

- ``corridor_side``: ``north`` (Turkish supervision), ``south`` (Russian) or ``outside``,
  by the coded point (see :class:`geo.corridor_query.CorridorIndex` for the boundary rule);
- ``in_corridor_certainty``: ``certain``, ``possible`` or ``outside`` once the position
  uncertainty of its ``geo_precision`` is taken into account (1: 1 km, 2: 5 km, 3: 25 km);
- ``dist_to_m4_km``: distance from the coded point to the M4 line;
- ``nearest_place`` and ``nearest_place_km``: the nearest gazetteer place;
- ``admin1``/``admin2``/``admin3``: the OCHA areas the point falls in;
- ``phase``: ``before`` or ``after`` the ceasefire of 6 March 2020 00:01 (UTC+2), or
  ``uncertain`` when the date's precision window spans it. A day-precision event dated
  6 March counts as after (the ceasefire began one minute into that day).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import shapely

from geo.incidents.schema import CEASEFIRE_START, GEO_PRECISION_RADIUS_M, TIME_PRECISION_DAYS

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from geo.admin import AdminAreas
    from geo.corridor_query import CorridorIndex
    from geo.incidents.store import IncidentStore
    from geo.places import Place

CLASS_COLUMNS = (
    "corridor_side", "in_corridor_certainty", "dist_to_m4_km", "nearest_place",
    "nearest_place_id", "nearest_place_km", "phase",
)  # fmt: skip
_FIRST_DAY_AFTER = np.datetime64(CEASEFIRE_START.date(), "D")


@dataclass
class Classification:
    """Arrays aligned with the store's rows."""

    corridor_side: NDArray[np.str_]
    in_corridor_certainty: NDArray[np.str_]
    dist_to_m4_km: NDArray[np.float64]
    nearest_place: list[str]
    nearest_place_id: list[str]
    nearest_place_km: NDArray[np.float64]
    admin1: list[str]
    admin2: list[str]
    admin3: list[str]
    phase: NDArray[np.str_]

    def columns(self) -> dict[str, list[str]]:
        """Return every classification as text columns, for CSV and GeoJSON output."""
        return {
            "corridor_side": self.corridor_side.tolist(),
            "in_corridor_certainty": self.in_corridor_certainty.tolist(),
            "dist_to_m4_km": [f"{v:.3f}" for v in self.dist_to_m4_km],
            "nearest_place": self.nearest_place,
            "nearest_place_id": self.nearest_place_id,
            "nearest_place_km": [f"{v:.3f}" for v in self.nearest_place_km],
            "phase": self.phase.tolist(),
        }


def phase_of(date: NDArray[np.datetime64], time_precision: NDArray[np.int8]) -> NDArray[np.str_]:
    """Return ``before``/``after``/``uncertain`` for dates with their precision codes.

    Examples
    --------
    >>> d = np.array(["2020-03-05", "2020-03-06", "2020-03-04"], dtype="datetime64[D]")
    >>> phase_of(d, np.array([1, 1, 2], dtype=np.int8)).tolist()
    ['before', 'after', 'uncertain']
    """
    slack = np.vectorize(TIME_PRECISION_DAYS.get, otypes=[np.int64])(time_precision)
    slack_days = slack.astype("timedelta64[D]")
    first, last = date - slack_days, date + slack_days
    return np.where(
        first >= _FIRST_DAY_AFTER, "after", np.where(last < _FIRST_DAY_AFTER, "before", "uncertain")
    )


def classify(
    store: IncidentStore, *, index: CorridorIndex, places: list[Place], admin: AdminAreas
) -> Classification:
    """Classify every incident of ``store`` (see the module docstring for each rule)."""
    parsed = store.parsed
    lon, lat = parsed.lon, parsed.lat
    side, dist_m = index.side_and_distance(lon, lat)
    radius = (
        np.vectorize(GEO_PRECISION_RADIUS_M.get, otypes=[np.float64])(parsed.geo_precision)
        if len(lon)
        else np.zeros(0)
    )
    certainty = index.certainty(lon, lat, radius)
    nearest, nearest_km = _nearest_places(index, lon, lat, places)
    area_index = admin.index_at(lon, lat)
    areas = [admin.areas[i] if i >= 0 else None for i in area_index]
    return Classification(
        corridor_side=side,
        in_corridor_certainty=certainty,
        dist_to_m4_km=dist_m / 1000,
        nearest_place=[p.name_en for p in nearest],
        nearest_place_id=[p.place_id for p in nearest],
        nearest_place_km=nearest_km,
        admin1=[a.admin1 if a else "" for a in areas],
        admin2=[a.admin2 if a else "" for a in areas],
        admin3=[a.admin3 if a else "" for a in areas],
        phase=phase_of(parsed.date, parsed.time_precision),
    )


def _nearest_places(
    index: CorridorIndex, lon: NDArray[np.float64], lat: NDArray[np.float64], places: list[Place]
) -> tuple[list[Place], NDArray[np.float64]]:
    """Nearest place of each point, in the corridor's metric CRS (an STRtree query)."""
    if not len(lon):
        return [], np.zeros(0)
    place_x, place_y = index.project(
        [p.position.lon for p in places], [p.position.lat for p in places]
    )
    tree = shapely.STRtree(shapely.points(place_x, place_y))
    x, y = index.project(lon, lat)
    (point_index, place_index), dist_m = tree.query_nearest(
        shapely.points(x, y), all_matches=False, return_distance=True
    )
    order = np.argsort(point_index)
    chosen = place_index[order]
    return [places[i] for i in chosen], dist_m[order] / 1000


def today_utc() -> dt.date:
    """Return today's date in UTC (the store refuses later dates)."""
    return dt.datetime.now(tz=dt.UTC).date()
