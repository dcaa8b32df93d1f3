"""The gazetteer: named places with positions, Arabic names and provenance."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from geo.coords import PLACES_AREA, LonLat
from geo.csvfile import read_rows
from geo.errors import DataFileError

if TYPE_CHECKING:
    from pathlib import Path

    from geo.admin import AdminAreas

PLACE_COLUMNS = (
    "place_id",
    "name_en",
    "name_ar",
    "alt_names",
    "kind",
    "lon",
    "lat",
    "precision_m",
    "geonames_id",
    "admin1",
    "admin1_pcode",
    "admin2",
    "admin2_pcode",
    "admin3",
    "admin3_pcode",
    "sources",
)


@dataclass(frozen=True, slots=True)
class Place:
    """A named place of the gazetteer.

    ``precision_m`` is how far the true place may be from ``position``, in metres: about
    300 m for a village point with 3-4 decimals, several km for an area such as a mountain.
    ``geonames_id`` is the place's GeoNames id when a GeoNames-based source has it.
    """

    place_id: str
    name_en: str
    name_ar: str
    alt_names: tuple[str, ...]
    kind: str
    position: LonLat
    precision_m: int
    admin1: str
    admin2: str
    admin3: str
    sources: tuple[str, ...]
    geonames_id: str = ""


def load_places(path: Path) -> list[Place]:
    """Load the gazetteer CSV, sorted by ``place_id``.

    A file is parsed once per content in a process (``add`` geocodes with the places, then
    its rebuild loads them again): each call returns a new list of the same frozen places.

    Parameters
    ----------
    path
        A CSV with the columns of :data:`PLACE_COLUMNS`.

    Returns
    -------
    list of Place

    Raises
    ------
    DataFileError
        On a missing column, an empty required field, a position outside the area of
        interest or a repeated ``place_id``; the message names the file, line and column.
    """
    from geo.cache import file_digest  # noqa: PLC0415 - hashlib and json only

    return list(_parsed_places(path, file_digest(path)))


@functools.lru_cache(maxsize=2)
def _parsed_places(path: Path, _digest: str) -> tuple[Place, ...]:
    places: dict[str, Place] = {}
    for row in read_rows(path, required_columns=PLACE_COLUMNS):
        place_id = row.text("place_id")
        if place_id in places:
            raise row.error("place_id", f"{place_id!r} is used twice")
        position = LonLat(
            lon=row.number("lon", low=PLACES_AREA.west, high=PLACES_AREA.east),
            lat=row.number("lat", low=PLACES_AREA.south, high=PLACES_AREA.north),
        )
        places[place_id] = Place(
            place_id=place_id,
            name_en=row.text("name_en"),
            name_ar=row.text("name_ar", required=False),
            alt_names=_split(row.text("alt_names", required=False)),
            kind=row.text("kind"),
            position=position,
            precision_m=row.integer("precision_m") or 0,
            admin1=row.text("admin1", required=False),
            admin2=row.text("admin2", required=False),
            admin3=row.text("admin3", required=False),
            sources=_split(row.text("sources")),
            geonames_id=row.text("geonames_id", required=False),
        )
    if not places:
        msg = f"{path}: no places"
        raise DataFileError(msg)
    return tuple(places[key] for key in sorted(places))


#: Columns of the user file ``data/places_extra.csv``; only name_en, lon and lat are required.
EXTRA_COLUMNS = ("name_en", "lon", "lat")
EXTRA_DEFAULT_PRECISION_M = 500
_ID = re.compile(r"[a-z0-9_]+")


def load_extra_places(path: Path, *, admin: AdminAreas, taken_ids: set[str]) -> list[Place]:
    """Load the user's own places (``data/places_extra.csv``), checked row by row.

    Optional columns: ``place_id`` (lower-case letters, digits, ``_``; default
    ``extra_<name>``), ``name_ar``, ``alt_names`` (``|``-separated), ``kind`` (default
    ``village``), ``precision_m`` (default 500), ``sources`` (default ``user``). Admin areas
    come from the position.

    Raises
    ------
    DataFileError
        Naming the file, line and column of the first problem.
    """
    places = []
    taken = set(taken_ids)
    for row in read_rows(path, required_columns=EXTRA_COLUMNS):
        name = row.text("name_en")
        place_id = row.text("place_id", required=False) if "place_id" in row.values else ""
        place_id = place_id or "extra_" + "_".join(_ID.findall(name.casefold())) or "extra"
        if not _ID.fullmatch(place_id):
            raise row.error("place_id", f"{place_id!r} may hold only a-z, 0-9 and _")
        if place_id in taken:
            raise row.error("place_id", f"{place_id!r} is already used; give this row its own id")
        taken.add(place_id)
        position = LonLat(
            lon=row.number("lon", low=PLACES_AREA.west, high=PLACES_AREA.east),
            lat=row.number("lat", low=PLACES_AREA.south, high=PLACES_AREA.north),
        )
        area = admin.at(position)
        optional = {
            key: row.text(key, required=False)
            for key in ("name_ar", "alt_names", "kind", "sources")
            if key in row.values
        }
        precision = (
            row.integer("precision_m", required=False) if "precision_m" in row.values else None
        )
        places.append(
            Place(
                place_id=place_id,
                name_en=name,
                name_ar=optional.get("name_ar", ""),
                alt_names=_split(optional.get("alt_names", "")),
                kind=optional.get("kind") or "village",
                position=position,
                precision_m=precision or EXTRA_DEFAULT_PRECISION_M,
                admin1=area.admin1 if area else "",
                admin2=area.admin2 if area else "",
                admin3=area.admin3 if area else "",
                sources=_split(optional.get("sources") or "user"),
            )
        )
    return places


def _split(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split("|") if part.strip())
