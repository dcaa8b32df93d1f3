"""Optional settings file (TOML) so a user need not repeat options on every build.

Example ``idlib-map.toml``::

    [map]
    road = "roads/m4_osm.geojson"   # replaces the bundled M4 waypoint line
    store = "my_incidents.csv"      # or a database: "postgresql:///?service=team"

``incidents`` is the older name of ``store`` (a path only). Relative paths are taken from the
settings file's folder; a database URL must not hold a password (see geo.store.location).
Command-line options win.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import PurePath
from typing import TYPE_CHECKING

from geo.errors import DataFileError
from geo.store.location import DatabaseLocation, parse_location

if TYPE_CHECKING:
    from pathlib import Path

DEFAULT_CONFIG_NAME = "idlib-map.toml"
_KNOWN = {"road", "incidents", "store"}


@dataclass(frozen=True, slots=True)
class MapConfig:
    """Settings read from the file; None where the file says nothing."""

    road: Path | None = None
    #: From ``store`` (a path or a database URL), or from ``incidents`` (a path).
    store: Path | DatabaseLocation | None = None


def load_config(path: Path) -> MapConfig:
    """Read ``path``; raise :class:`DataFileError` naming an unknown key or a bad value."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataFileError(f"{path}: settings file not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise DataFileError(f"{path}: not valid TOML ({exc})") from None
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
    )
