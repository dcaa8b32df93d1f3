"""Optional settings file (TOML) so a user need not repeat options on every build.

Example ``idlib-map.toml``::

    [map]
    road = "roads/m4_osm.geojson"   # replaces the bundled M4 waypoint line
    store = "my_incidents.csv"      # or a database: "postgresql:///?service=team"

    [[layers]]                      # an analyst layer; repeat the table for more
    file = "layers/front_lines.kml" # GeoJSON, KML/KMZ, GeoPackage or Shapefile
    name = "Front lines (our team)"
    colour = "#e7298a"
    legend = "Front line on the filter's end date"
    popup = ["status", "source"]    # properties shown in the popup (default: all)
    valid_from = "from"             # date properties (default valid_from / valid_to)
    valid_to = "until"
    source = "Our team, 2020"       # named in the attribution line

``incidents`` is the older name of ``store`` (a path only). Relative paths are taken from the
settings file's folder; a database URL must not hold a password (see geo.store.location).
Command-line options win; ``--layer`` files are added after the file's layers.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import PurePath
from typing import TYPE_CHECKING

from geo.errors import DataFileError
from geo.store.location import DatabaseLocation, parse_location
from geo.user_layers import UserLayerSpec, check_spec

if TYPE_CHECKING:
    from pathlib import Path

DEFAULT_CONFIG_NAME = "idlib-map.toml"
_KNOWN = {"road", "incidents", "store"}
_LAYER_KEYS = ("file", "name", "colour", "color", "legend", "popup", "valid_from", "valid_to",
               "source")  # fmt: skip


@dataclass(frozen=True, slots=True)
class MapConfig:
    """Settings read from the file; None where the file says nothing."""

    road: Path | None = None
    #: From ``store`` (a path or a database URL), or from ``incidents`` (a path).
    store: Path | DatabaseLocation | None = None
    layers: tuple[UserLayerSpec, ...] = ()


def load_config(path: Path) -> MapConfig:
    """Read ``path``; raise :class:`DataFileError` naming an unknown key or a bad value."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataFileError(f"{path}: settings file not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise DataFileError(f"{path}: not valid TOML ({exc})") from None
    unknown_sections = set(raw) - {"map", "layers"}
    if unknown_sections:
        raise DataFileError(
            f"{path}: unknown section(s) {', '.join(sorted(unknown_sections))}; known: [map], "
            "[[layers]]"
        )
    section = raw.get("map", {})
    if not isinstance(section, dict):
        raise DataFileError(f"{path}: [map] must be a table")
    unknown = set(section) - _KNOWN
    if unknown:
        raise DataFileError(
            f"{path}: unknown setting(s) {', '.join(sorted(unknown))} in [map]; "
            "known: road, incidents, store"
        )
    values: dict[str, Path | DatabaseLocation] = {}  # each checked below
    for key in _KNOWN & set(section):
        if not isinstance(section[key], str) or not section[key]:
            what = "a file path or database URL" if key == "store" else "a file path"
            raise DataFileError(f"{path}: [map] {key} must be {what} in quotes")
        if key == "store":
            try:
                values[key] = parse_location(section[key], base=path.parent.resolve())
            except DataFileError as exc:
                raise DataFileError(f"{path}: [map] store: {exc}") from None
        else:
            values[key] = (path.parent / section[key]).resolve()
    if "store" in values and "incidents" in values:
        raise DataFileError(f"{path}: [map] has both store and incidents; keep store")
    road = values.get("road")
    return MapConfig(
        road=road if isinstance(road, PurePath) else None,
        store=values.get("store") or values.get("incidents"),
        layers=_layers(path, raw.get("layers", [])),
    )


def _layers(path: Path, entries: object) -> tuple[UserLayerSpec, ...]:
    """Read the ``[[layers]]`` tables; every error names the entry and the key."""
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise DataFileError(f"{path}: layers must be [[layers]] tables")
    specs = []
    for number, entry in enumerate(entries, start=1):
        where = f"{path}, [[layers]] entry {number}"
        unknown = set(entry) - set(_LAYER_KEYS)
        if unknown:
            raise DataFileError(
                f"{where}: unknown key(s) {', '.join(sorted(unknown))}; known: "
                f"{', '.join(_LAYER_KEYS)}"
            )
        if not isinstance(entry.get("file"), str) or not entry["file"]:
            raise DataFileError(f"{where}: file must be a file path in quotes")
        texts = {}
        for key in ("name", "colour", "color", "legend", "valid_from", "valid_to", "source"):
            value = entry.get(key, "")
            if not isinstance(value, str):
                raise DataFileError(f"{where}: {key} must be text in quotes")
            texts[key] = value
        popup = entry.get("popup", [])
        if not isinstance(popup, list) or not all(isinstance(v, str) and v for v in popup):
            raise DataFileError(f"{where}: popup must be a list of property names")
        spec = UserLayerSpec(
            path=(path.parent / entry["file"]).resolve(), name=texts["name"],
            colour=texts["colour"] or texts["color"], legend=texts["legend"],
            popup_fields=tuple(popup), valid_from=texts["valid_from"] or "valid_from",
            valid_to=texts["valid_to"] or "valid_to", source=texts["source"],
        )  # fmt: skip
        check_spec(spec, where=where)
        specs.append(spec)
    return tuple(specs)
