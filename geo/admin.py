"""Administrative areas (OCHA sub-districts) for reverse lookup: which area a point is in."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import shapely

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
        self._union: shapely.Geometry | None = None

    @classmethod
    def load(cls, admin_dir: Path) -> AdminAreas:
        """Load ``subdistricts``, ``districts`` and ``governorates`` GeoJSON from ``admin_dir``."""
        names: dict[str, str] = {}
        for level in ("governorates", "districts"):
            for feature in _features(admin_dir / f"{level}.geojson"):
                names[feature["properties"]["pcode"]] = feature["properties"]["name_en"]
        areas, polygons = [], []
        for feature in _features(admin_dir / "subdistricts.geojson"):
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
            polygons.append(shapely.from_geojson(json.dumps(feature["geometry"])))
        return cls(areas, polygons)

    def contains(self, lon: ArrayLike, lat: ArrayLike) -> NDArray[np.bool_]:
        """Return True for each point (lon/lat arrays) inside one of the sub-districts."""
        if self._union is None:
            self._union = shapely.union_all(self._tree.geometries)
            shapely.prepare(self._union)
        return np.asarray(
            shapely.intersects_xy(self._union, np.asarray(lon, float), np.asarray(lat, float))
        )

    def index_at(self, lon: ArrayLike, lat: ArrayLike) -> NDArray[np.int64]:
        """Return the index into :attr:`areas` for each point, or -1 outside them all."""
        points = shapely.points(np.asarray(lon, float), np.asarray(lat, float))
        point_index, area_index = self._tree.query(points, predicate="intersects")
        out = np.full(len(points), -1, dtype=np.int64)
        # a point on a shared border hits two areas: keep the lower index, as at() does
        order = np.lexsort((-area_index, point_index))
        out[point_index[order]] = area_index[order]
        return out

    def at(self, point: LonLat) -> AdminArea | None:
        """Return the sub-district containing ``point`` (lon/lat), or None outside them all."""
        hits = self._tree.query(shapely.Point(point.lon, point.lat), predicate="intersects")
        return self.areas[int(min(hits))] if len(hits) else None


def _features(path: Path) -> list[dict[str, Any]]:
    try:
        features: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))["features"]
    except FileNotFoundError:
        raise DataFileError(f"{path}: file not found") from None
    except (json.JSONDecodeError, KeyError) as exc:
        raise DataFileError(f"{path}: not a GeoJSON FeatureCollection ({exc})") from None
    return features
