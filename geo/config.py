"""Optional settings file (TOML) so a user need not repeat options on every build.

Example ``idlib-map.toml``::

    [map]
    road = "roads/m4_osm.geojson"   # replaces the bundled M4 waypoint line
    incidents = "my_incidents.csv"

Relative paths are taken from the settings file's folder. Command-line options win.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from geo.errors import DataFileError

if TYPE_CHECKING:
    from pathlib import Path

DEFAULT_CONFIG_NAME = "idlib-map.toml"
_KNOWN = {"road", "incidents"}


@dataclass(frozen=True, slots=True)
class MapConfig:
    """Settings read from the file; None where the file says nothing."""

    road: Path | None = None
    incidents: Path | None = None


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
            "known: road, incidents"
        )
    values = {}
    for key in _KNOWN & set(section):
        if not isinstance(section[key], str) or not section[key]:
            raise DataFileError(f"{path}: [map] {key} must be a file path in quotes")
        values[key] = (path.parent / section[key]).resolve()
    return MapConfig(**values)
