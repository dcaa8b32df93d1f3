"""Administrative areas (OCHA sub-districts) for reverse lookup: which area a point is in."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import shapely
from shapely.errors import GEOSException

from geo.crs import CORRIDOR_CRS, WGS84, transformer
from geo.errors import DataFileError

if TYPE_CHECKING:
    from pathlib import Path

    from numpy.typing import ArrayLike, NDArray

    from geo.coords import LonLat


@dataclass(frozen=True, slots=True)
class AdminArea:
    """A sub-district with its district and governorate (OCHA names and P-codes)."""

    admin1: str
    admin1_pcode: str
    admin2: str
    admin2_pcode: str
    admin3: str
    admin3_pcode: str


class AdminAreas:
    """Point-in-polygon lookup over sub-district polygons (a shapely STRtree)."""

    def __init__(self, areas: list[AdminArea], polygons: list[Any]) -> None:
        self.areas = areas
        self._tree = shapely.STRtree(polygons)
        self._union_proj: shapely.Geometry | None = None

    @classmethod
    def load(cls, admin_dir: Path) -> AdminAreas:
        """Load ``subdistricts``, ``districts`` and ``governorates`` GeoJSON from ``admin_dir``.

        Loaded once per content of the three files in a process (``add`` checks its rows
        with the areas, then its rebuild loads them again): the same object is returned,
        with its union for the area test built once.
        """
        from geo.cache import file_digest  # noqa: PLC0415 - hashlib and json only

        digests = tuple(file_digest(admin_dir / f"{level}.geojson") for level in _LEVELS)
        return _loaded(admin_dir, digests)

    @classmethod
    def _read(cls, admin_dir: Path) -> AdminAreas:
        names: dict[str, str] = {}
        for level in ("governorates", "districts"):
            for feature in _features(admin_dir / f"{level}.geojson"):
                names[feature["properties"]["pcode"]] = feature["properties"]["name_en"]
        path = admin_dir / "subdistricts.geojson"
        features, polygons = _features(path), _geometries(path)
        if len(polygons) != len(features):
            msg = f"{path}: {len(features)} features but {len(polygons)} geometries"
            raise DataFileError(msg)
        areas = []
        for feature in features:
            pcode = feature["properties"]["pcode"]
            areas.append(
                AdminArea(
                    admin1=names.get(pcode[:4], ""),
                    admin1_pcode=pcode[:4],
                    admin2=names.get(pcode[:6], ""),
                    admin2_pcode=pcode[:6],
                    admin3=feature["properties"]["name_en"],
                    admin3_pcode=pcode,
                )
            )
        return cls(areas, list(polygons))

    def contains(self, lon: ArrayLike, lat: ArrayLike) -> NDArray[np.bool_]:
        """Return True for each point (lon/lat arrays) inside one of the sub-districts.

        Polygon by polygon (:meth:`index_at`): the union of the 99 sub-districts took 0.07 s
        to build, longer than testing 100,000 points this way (measured 3 Dec 2026).
        """
        return self.index_at(lon, lat) >= 0

    def distance_outside_m(self, lon: ArrayLike, lat: ArrayLike) -> NDArray[np.float64]:
        """Return each point's distance in metres to the nearest sub-district (0 inside).

        Measured in the corridor's transverse Mercator (:data:`geo.crs.CORRIDOR_CRS`), whose
        scale error across north-west Syria (within 1° of its central meridian) is under 0.02 %.
        """
        if self._union_proj is None:
            forward = transformer(WGS84, CORRIDOR_CRS)
            union = shapely.union_all(self._tree.geometries)
            self._union_proj = shapely.transform(union, forward.transform, interleaved=False)
            shapely.prepare(self._union_proj)
        x, y = transformer(WGS84, CORRIDOR_CRS).transform(
            np.asarray(lon, float), np.asarray(lat, float)
        )
        return np.asarray(shapely.distance(self._union_proj, shapely.points(x, y)), dtype=float)

    def index_at(self, lon: ArrayLike, lat: ArrayLike) -> NDArray[np.int64]:
        """Return the index into :attr:`areas` for each point, or -1 outside them all.

        Each distinct position is looked up once (events share village points), polygon by
        polygon over the points in its bounding box, with the polygon prepared; a point on a
        shared border goes to the lower index, as :meth:`at` does.
        """
        x, y = np.asarray(lon, float), np.asarray(lat, float)
        if not len(x):
            return np.zeros(0, dtype=np.int64)
        unique, inverse = np.unique(x + 1j * y, return_inverse=True)  # one number per point
        ux, uy = unique.real.copy(), unique.imag.copy()
        out = np.full(len(unique), -1, dtype=np.int64)
        for k, polygon in enumerate(self._tree.geometries):
            west, south, east, north = polygon.bounds
            chosen = np.flatnonzero(
                (out < 0) & (ux >= west) & (ux <= east) & (uy >= south) & (uy <= north)
            )
            if len(chosen):
                shapely.prepare(polygon)
                hit = shapely.intersects_xy(polygon, ux[chosen], uy[chosen])
                out[chosen[hit]] = k
        return out[inverse.ravel()]

    def at(self, point: LonLat) -> AdminArea | None:
        """Return the sub-district containing ``point`` (lon/lat), or None outside them all."""
        hits = self._tree.query(shapely.Point(point.lon, point.lat), predicate="intersects")
        return self.areas[int(min(hits))] if len(hits) else None


_LEVELS = ("governorates", "districts", "subdistricts")


@functools.lru_cache(maxsize=2)
def _loaded(admin_dir: Path, _digests: tuple[str, ...]) -> AdminAreas:
    return AdminAreas._read(admin_dir)  # noqa: SLF001 - the class's own reader


def _features(path: Path) -> list[dict[str, Any]]:
    try:
        features: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))["features"]
    except FileNotFoundError:
        raise DataFileError(f"{path}: file not found") from None
    except (json.JSONDecodeError, KeyError) as exc:
        raise DataFileError(f"{path}: not a GeoJSON FeatureCollection ({exc})") from None
    return features


def _geometries(path: Path) -> NDArray[np.object_]:
    """Return the geometries of a FeatureCollection, in feature order (one GEOS read).

    Reading the file at once took a quarter of the time of reading feature by feature
    (0.017 s against 0.062 s for the sub-districts, 3 Dec 2026), with the same geometries.
    """
    try:
        collection = shapely.from_geojson(path.read_text(encoding="utf-8"))
    except GEOSException as exc:
        raise DataFileError(f"{path}: a geometry GEOS cannot read ({exc})") from None
    return np.asarray(shapely.get_parts(collection))
