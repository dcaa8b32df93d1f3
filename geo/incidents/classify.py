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
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import shapely

from geo.incidents.schema import CEASEFIRE_START, GEO_PRECISION_RADIUS_M, TIME_PRECISION_DAYS

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from geo.admin import AdminArea, AdminAreas
    from geo.corridor_query import CorridorIndex
    from geo.incidents.validate import Parsed
    from geo.places import Place

CLASS_COLUMNS = (
    "corridor_side", "in_corridor_certainty", "dist_to_m4_km", "nearest_place",
    "nearest_place_id", "nearest_place_km", "phase",
)  # fmt: skip
#: The labels of ``corridor_side``, ``in_corridor_certainty`` and ``phase``; a
#: :class:`Classification` holds each row's index into them.
SIDES = ("north", "south", "road", "outside")
CERTAINTIES = ("certain", "possible", "outside")
PHASES = ("before", "after", "uncertain")
_FIRST_DAY_AFTER = np.datetime64(CEASEFIRE_START.date(), "D")


def label_codes(values: NDArray[np.str_], labels: tuple[str, ...]) -> NDArray[np.int8]:
    """Return each value's index into ``labels``.

    Raises
    ------
    ValueError
        A value is not one of ``labels``.

    Examples
    --------
    >>> label_codes(np.array(["south", "north"]), SIDES).tolist()
    [1, 0]
    """
    codes = np.full(len(values), -1, dtype=np.int8)
    for code, label in enumerate(labels):
        codes[values == label] = code
    if (codes < 0).any():
        unknown = sorted(set(values[codes < 0].tolist()))
        msg = f"unexpected classification values {unknown}; expected one of {labels}"
        raise ValueError(msg)
    return codes


@dataclass
class Classification:
    """Arrays aligned with the store's rows; labels, places and areas as indices.

    ``side_code``, ``certainty_code`` and ``phase_code`` index :data:`SIDES`,
    :data:`CERTAINTIES` and :data:`PHASES` (one byte a row: a million rows' labels as text
    took 96 MB); :attr:`corridor_side`, :attr:`in_corridor_certainty` and :attr:`phase`
    give them as text.
    """

    side_code: NDArray[np.int8]
    certainty_code: NDArray[np.int8]
    dist_to_m4_km: NDArray[np.float64]
    nearest_index: NDArray[np.int64]
    nearest_place_km: NDArray[np.float64]
    #: Index into ``areas`` of the sub-district each point is in, -1 outside them all.
    area_index: NDArray[np.int64]
    phase_code: NDArray[np.int8]
    places: list[Place] = field(repr=False)
    areas: list[AdminArea] = field(repr=False)

    @property
    def corridor_side(self) -> NDArray[np.str_]:
        """``north``, ``south``, ``road`` or ``outside``, per row."""
        labels: NDArray[np.str_] = np.array(SIDES)[self.side_code]
        return labels

    @property
    def in_corridor_certainty(self) -> NDArray[np.str_]:
        """``certain``, ``possible`` or ``outside``, per row."""
        labels: NDArray[np.str_] = np.array(CERTAINTIES)[self.certainty_code]
        return labels

    @property
    def phase(self) -> NDArray[np.str_]:
        """``before``, ``after`` or ``uncertain`` (the ceasefire), per row."""
        labels: NDArray[np.str_] = np.array(PHASES)[self.phase_code]
        return labels

    @property
    def nearest_place(self) -> list[str]:
        """The nearest gazetteer place's English name, per row."""
        return [self.places[i].name_en for i in self.nearest_index.tolist()]

    @property
    def nearest_place_id(self) -> list[str]:
        """The nearest gazetteer place's id, per row."""
        return [self.places[i].place_id for i in self.nearest_index.tolist()]

    def admin(self, level: int) -> list[str]:
        """Return the governorate (1), district (2) or sub-district (3) per row ("" outside)."""
        names = [getattr(area, f"admin{level}") for area in self.areas] + [""]
        return [names[i] for i in self.area_index.tolist()]

    @property
    def admin1(self) -> list[str]:
        """Governorate per row."""
        return self.admin(1)

    @property
    def admin2(self) -> list[str]:
        """District per row."""
        return self.admin(2)

    @property
    def admin3(self) -> list[str]:
        """Sub-district per row."""
        return self.admin(3)

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
    labels: NDArray[np.str_] = np.array(PHASES)[phase_codes(date, time_precision)]
    return labels


def phase_codes(date: NDArray[np.datetime64], time_precision: NDArray[np.int8]) -> NDArray[np.int8]:
    """Return :func:`phase_of` as indices into :data:`PHASES`."""
    slack_of = np.zeros(max(TIME_PRECISION_DAYS) + 1, dtype=np.int64)
    for code, days in TIME_PRECISION_DAYS.items():
        slack_of[code] = days
    slack_days = slack_of[time_precision].astype("timedelta64[D]")
    first, last = date - slack_days, date + slack_days
    before, after, uncertain = (PHASES.index(label) for label in ("before", "after", "uncertain"))
    codes: NDArray[np.int8] = np.where(
        first >= _FIRST_DAY_AFTER, after, np.where(last < _FIRST_DAY_AFTER, before, uncertain)
    ).astype(np.int8)
    return codes


def classify(
    parsed: Parsed, *, index: CorridorIndex, places: list[Place], admin: AdminAreas
) -> Classification:
    """Classify every incident of ``parsed`` (see the module docstring for each rule).

    What depends on the position alone is computed once per distinct position: events
    share village points (half of a typical store sits on one).
    """
    lon, lat = parsed.lon, parsed.lat
    # One complex number per position: a 1-D unique (exact floats, no rounding).
    unique, inverse = np.unique(lon + 1j * lat, return_inverse=True)
    inverse = inverse.ravel()
    ulon, ulat = unique.real.copy(), unique.imag.copy()
    side, dist_m = index.side_and_distance(ulon, ulat)
    radius_of = np.zeros(max(GEO_PRECISION_RADIUS_M) + 1)
    for code, radius_m in GEO_PRECISION_RADIUS_M.items():
        radius_of[code] = radius_m
    certainty = index.certainty(lon, lat, radius_of[parsed.geo_precision])
    nearest, nearest_km = _nearest_places(index, ulon, ulat, places)
    return Classification(
        side_code=label_codes(side, SIDES)[inverse],
        certainty_code=label_codes(certainty, CERTAINTIES),
        dist_to_m4_km=dist_m[inverse] / 1000,
        nearest_index=nearest[inverse],
        nearest_place_km=nearest_km[inverse],
        area_index=admin.index_at(ulon, ulat)[inverse],
        phase_code=phase_codes(parsed.date, parsed.time_precision),
        places=places,
        areas=admin.areas,
    )


def _nearest_places(
    index: CorridorIndex, lon: NDArray[np.float64], lat: NDArray[np.float64], places: list[Place]
) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """Nearest place of each point, in the corridor's metric CRS (an STRtree query)."""
    if not len(lon):
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    place_x, place_y = index.project(
        [p.position.lon for p in places], [p.position.lat for p in places]
    )
    tree = shapely.STRtree(shapely.points(place_x, place_y))
    x, y = index.project(lon, lat)
    (point_index, place_index), dist_m = tree.query_nearest(
        shapely.points(x, y), all_matches=False, return_distance=True
    )
    order = np.argsort(point_index)
    return place_index[order].astype(np.int64), dist_m[order] / 1000


def today_utc() -> dt.date:
    """Return today's date in UTC (the store refuses later dates)."""
    return dt.datetime.now(tz=dt.UTC).date()
