"""Analysts' own layers (front lines, areas of control, zones, routes), read and checked.

A layer is a GeoJSON, KML/KMZ, GeoPackage or Shapefile read through pyogrio (GDAL, whose
LIBKML driver reads KMZ and KML's ExtendedData and TimeSpan), reprojected to WGS84 and
checked as strictly as the road file (:mod:`geo.road_file`): every error names the file,
and the feature and field at fault. A feature may carry dates (``valid_from`` and
``valid_to`` by default, or LIBKML's ``begin``/``end`` from a KML TimeSpan): the map shows
it while the incident filter's end date lies between them, both days included; an empty
date leaves that end open.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from geo.coords import AREA_OF_INTEREST
from geo.errors import CRSError, DataFileError, GeometryError
from geo.limits import check_file_size

if TYPE_CHECKING:
    from pathlib import Path

    import geopandas as gpd

SUFFIXES = (".geojson", ".json", ".kml", ".kmz", ".gpkg", ".shp")
#: A layer file larger than this is refused unread (a front-line file is a few MB at most).
MAX_LAYER_BYTES = 64 << 20
#: Vertices a layer may send to the page (about 20 bytes each): simplify larger layers first.
MAX_LAYER_VERTICES = 500_000
#: Colours given to layers that name none, in order (ColorBrewer Dark2 without the corridor's).
PALETTE = ("#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#1f78b4", "#b2182b")
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
_NAME_FIELDS = ("name", "Name", "NAME", "title", "label")
#: Fields a KML file carries that say nothing to a reader of the popup.
_KML_NOISE = frozenset(
    {"timestamp", "altitudeMode", "tessellate", "extrude", "visibility", "drawOrder", "icon",
     "snippet", "id", "OGR_STYLE"}
)  # fmt: skip
_ALLOWED_GEOMETRIES = frozenset(
    {"Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon"}
)


@dataclass(frozen=True, slots=True)
class UserLayerSpec:
    """How one analyst layer is read and drawn (``--layer FILE`` or ``[[layers]]``).

    Parameters
    ----------
    path
        The layer file.
    name
        Shown in the layer control; defaults to the file name without its suffix.
    colour
        ``#rrggbb``; defaults to the next colour of :data:`PALETTE`.
    legend
        The legend row's text; defaults to ``name``.
    popup_fields
        Properties listed in a feature's popup, in this order; empty lists them all.
    valid_from, valid_to
        The properties holding each feature's first and last day (``YYYY-MM-DD``).
    source
        Who made the layer, for the attribution line; defaults to the file name.
    """

    path: Path
    name: str = ""
    colour: str = ""
    legend: str = ""
    popup_fields: tuple[str, ...] = ()
    valid_from: str = "valid_from"
    valid_to: str = "valid_to"
    source: str = ""

    def resolved(self, index: int) -> UserLayerSpec:
        """Return the spec with every default filled in (``index`` picks the colour)."""
        name = self.name or self.path.stem
        return UserLayerSpec(
            path=self.path, name=name, colour=self.colour or PALETTE[index % len(PALETTE)],
            legend=self.legend or name, popup_fields=self.popup_fields,
            valid_from=self.valid_from, valid_to=self.valid_to,
            source=self.source or f"analyst layer {self.path.name}",
        )  # fmt: skip

    def key(self) -> str:
        """Return the settings as text, for the build's cache key."""
        return repr((str(self.path), self.name, self.colour, self.legend, self.popup_fields,
                     self.valid_from, self.valid_to, self.source))  # fmt: skip

    def files(self) -> list[Path]:
        """Return the files the layer is read from (a Shapefile's companions too)."""
        if self.path.suffix.lower() == ".shp":
            return sorted(self.path.parent.glob(f"{self.path.stem}.*"))
        return [self.path]


@dataclass(frozen=True, slots=True)
class UserFeature:
    """One feature: lon/lat GeoJSON geometry, its title, popup rows and validity days."""

    geometry: dict[str, Any]
    title: str
    rows: list[tuple[str, str]]
    valid_from: dt.date | None
    valid_to: dt.date | None


@dataclass(frozen=True, slots=True)
class UserLayer:
    """A checked analyst layer: its spec (defaults filled in) and features in file order."""

    spec: UserLayerSpec
    features: list[UserFeature] = field(default_factory=list)

    @property
    def dated(self) -> bool:
        """Whether any feature has a validity date (so it follows the time filter)."""
        return any(f.valid_from or f.valid_to for f in self.features)

    @property
    def kinds(self) -> set[str]:
        """The geometry kinds present: ``point``, ``line`` or ``polygon``."""
        words = {"Point": "point", "LineString": "line", "Polygon": "polygon"}
        return {words[f.geometry["type"].removeprefix("Multi")] for f in self.features}


def check_spec(spec: UserLayerSpec, *, where: str) -> None:
    """Raise :class:`DataFileError` (naming ``where``) for a colour or suffix we cannot use."""
    if spec.colour and not _COLOUR.match(spec.colour):
        raise DataFileError(f"{where}: colour {spec.colour!r} is not #rrggbb (e.g. #e7298a)")
    if spec.path.suffix.lower() not in SUFFIXES:
        raise DataFileError(
            f"{where}: {spec.path} is not a layer file we read ({', '.join(SUFFIXES)})"
        )


def load_user_layers(specs: tuple[UserLayerSpec, ...]) -> list[UserLayer]:
    """Read and check every layer of ``specs``, in order; see :func:`load_user_layer`."""
    return [load_user_layer(spec.resolved(index)) for index, spec in enumerate(specs)]


def load_user_layer(spec: UserLayerSpec) -> UserLayer:
    """Read ``spec.path`` into a :class:`UserLayer` in WGS84 lon/lat.

    Raises
    ------
    DataFileError
        The file is missing, too large, unreadable, has no features, or a date is not a date.
    CRSError
        The file has no CRS, or its coordinates do not fit it (metres labelled as degrees,
        latitude and longitude swapped).
    GeometryError
        A feature has no geometry or one of another kind, or the layer lies nowhere near
        north-west Syria.
    """
    # Geometry and CRS libraries only when a layer is read: the settings file that names
    # the layers is read by every command.
    import shapely  # noqa: PLC0415
    from pyproj import CRS  # noqa: PLC0415

    from geo.crs import WGS84  # noqa: PLC0415
    from geo.road_file import check_degrees  # noqa: PLC0415

    path = spec.path
    check_spec(spec, where=str(path))
    if not path.is_file():
        raise DataFileError(f"{path}: layer file not found")
    check_file_size(path, limit_bytes=MAX_LAYER_BYTES, what="a layer file")
    frame = _read_frame(path)
    if frame.crs is None:
        raise CRSError(f"{path}: the layer has no CRS; save it as GeoJSON or give it a .prj")
    crs = CRS.from_user_input(frame.crs)
    for number, geom in enumerate(frame.geometry, start=1):
        kind = None if geom is None or geom.is_empty else geom.geom_type
        if kind not in _ALLOWED_GEOMETRIES:
            what = "no geometry" if kind is None else f"a {kind}"
            raise GeometryError(
                f"{path}, feature {number}{_named(frame, number)}: {what}; a layer holds points, "
                "lines or polygons"
            )
    if crs.is_geographic:
        check_degrees(path, frame.total_bounds)
    frame = frame.to_crs(WGS84) if not crs.equals(WGS84) else frame
    _check_location(path, tuple(float(v) for v in frame.total_bounds))
    vertices = int(shapely.get_num_coordinates(frame.geometry.to_numpy()).sum())
    if vertices > MAX_LAYER_VERTICES:
        raise DataFileError(
            f"{path}: {vertices:,} vertices, more than the map takes ({MAX_LAYER_VERTICES:,}); "
            "simplify the layer first (e.g. QGIS 'Simplify', tolerance 0.0001°)"
        )
    return UserLayer(spec=spec, features=_features(path, frame, spec))


def _read_frame(path: Path) -> gpd.GeoDataFrame:
    """Every layer of the file in one frame (a KML folder is a layer of its own to GDAL)."""
    import geopandas as gpd  # noqa: PLC0415 - heavy imports only when a layer is given
    import pandas as pd  # noqa: PLC0415
    import pyogrio  # noqa: PLC0415
    from pyproj import CRS  # noqa: PLC0415

    try:
        names = [str(row[0]) for row in pyogrio.list_layers(path)]
        frames = [pyogrio.read_dataframe(path, layer=name) for name in names]
    except Exception as exc:  # noqa: BLE001 - pyogrio raises many types for unreadable files
        raise DataFileError(f"{path}: cannot read as a vector file ({exc})") from None
    frames = [frame for frame in frames if len(frame)]
    if not frames:
        raise DataFileError(f"{path}: the file has no features")
    crs = {None if f.crs is None else CRS.from_user_input(f.crs).to_wkt() for f in frames}
    if len(crs) > 1:
        raise CRSError(f"{path}: its layers are in different CRSs; save them in one")
    joined = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    return gpd.GeoDataFrame(joined, geometry="geometry", crs=frames[0].crs)


def _named(frame: gpd.GeoDataFrame, number: int) -> str:
    """`` ('Front line, May 2020')`` when the feature has a name, else nothing."""
    for column in _NAME_FIELDS:
        if column in frame.columns:
            value = _text(frame[column].iloc[number - 1])
            if value:
                return f" ({value!r})"
    return ""


def _check_location(path: Path, bounds: tuple[float, ...]) -> None:
    """Refuse a layer wholly outside north-west Syria (a wrong CRS or swapped axes)."""
    box = AREA_OF_INTEREST
    west, south, east, north = bounds
    if west <= box.east and east >= box.west and south <= box.north and north >= box.south:
        return
    if south <= box.east and north >= box.west and west <= box.north and east >= box.south:
        raise CRSError(
            f"{path}: the layer lies outside north-west Syria but fits it with latitude and "
            "longitude swapped: write coordinates as (lon, lat), the GeoJSON order"
        )
    raise GeometryError(
        f"{path}: the layer spans lon {west:.3f}–{east:.3f}, lat {south:.3f}–{north:.3f}, "
        f"nowhere near north-west Syria (lon {box.west}–{box.east}, lat {box.south}–{box.north})"
    )


def _features(path: Path, frame: gpd.GeoDataFrame, spec: UserLayerSpec) -> list[UserFeature]:
    from geo.geojson import geometry  # noqa: PLC0415 - shapely

    columns = [c for c in frame.columns if c != "geometry"]
    date_columns = _date_columns(columns, spec)
    for wanted in spec.popup_fields:
        if wanted not in columns:
            raise DataFileError(
                f"{path}: popup field {wanted!r} is not in the layer; it has "
                f"{', '.join(columns) or 'no fields'}"
            )
    shown = list(spec.popup_fields) or [
        c for c in columns
        if c not in _KML_NOISE and c not in date_columns.values() and c not in _NAME_FIELDS
    ]  # fmt: skip
    features = []
    records = frame[columns].to_dict("records")
    for number, (geom, record) in enumerate(zip(frame.geometry, records, strict=True), start=1):
        where = f"{path}, feature {number}{_named(frame, number)}"
        start, end = (
            _date(record.get(date_columns[key]), where=where, name=date_columns[key])
            if key in date_columns else None
            for key in ("from", "to")
        )  # fmt: skip
        if start and end and end < start:
            raise DataFileError(
                f"{where}: {date_columns['to']} {end} is before {date_columns['from']} {start}"
            )
        title = next((_text(record[c]) for c in _NAME_FIELDS if c in record and _text(record[c])),
                     f"{spec.name} #{number}")  # fmt: skip
        rows = [(c, _text(record[c])) for c in shown if _text(record[c])]
        if start or end:
            rows.append(("Valid", f"{start or '…'} to {end or '…'}"))
        features.append(UserFeature(geometry(geom), title, rows, start, end))
    return features


def _date_columns(columns: list[str], spec: UserLayerSpec) -> dict[str, str]:
    """Return the columns of the first and last valid day (KML TimeSpan: begin/end)."""
    found = {}
    for key, name, kml in (("from", spec.valid_from, "begin"), ("to", spec.valid_to, "end")):
        if name in columns:
            found[key] = name
        elif kml in columns:
            found[key] = kml
    return found


def _date(value: object, *, where: str, name: str) -> dt.date | None:
    """Return the day of a date property; None when empty. ISO text or a date value."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, dt.datetime):  # also pandas Timestamp; NaT is not a day
        return None if str(value) == "NaT" else value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    if not text or text == "NaT":
        return None
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        msg = f"{where}, field {name!r}: {text[:40]!r} is not a date YYYY-MM-DD"
        raise DataFileError(msg) from None


def _text(value: object) -> str:
    """Return a property as the popup shows it ('' for empty, NaN or NaT)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    text = str(value).strip()
    return "" if text in {"NaT", "nan", "None"} else text[:2_000]
