"""Load the gazetteer used at run time: bundled places plus the user's own file."""

from __future__ import annotations

from typing import TYPE_CHECKING

from geo import datasets
from geo.geocode import Gazetteer
from geo.places import load_extra_places, load_places

if TYPE_CHECKING:
    from pathlib import Path

EXTRA_FILENAME = "places_extra.csv"


def load_gazetteer(
    *, data_dir: Path = datasets.DATA_DIR, extra_path: Path | None = None
) -> Gazetteer:
    """Return the gazetteer of ``data_dir/places.csv`` and, if present, the extras file.

    Parameters
    ----------
    data_dir
        Folder with ``places.csv``, ``admin/`` and optionally ``places_extra.csv``.
    extra_path
        The user's places file (default ``data_dir/places_extra.csv``; skipped if absent).
    """
    places = load_places(data_dir / "places.csv")
    extra = extra_path or data_dir / EXTRA_FILENAME
    if _has_rows(extra):  # the boundaries (for admin areas) load only for real rows
        # numpy, shapely and pyproj cost 0.25 s to import: only a user's own places need them.
        from geo.admin import AdminAreas  # noqa: PLC0415

        admin = AdminAreas.load(data_dir / "admin")
        places += load_extra_places(extra, admin=admin, taken_ids={p.place_id for p in places})
    return Gazetteer(places)


def _has_rows(path: Path) -> bool:
    """Return True if ``path`` exists and holds a line after its header."""
    if not path.exists():
        return False
    with path.open("rb") as handle:
        handle.readline()
        return any(line.strip() for line in handle)
