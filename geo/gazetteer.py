"""Load the gazetteer used at run time: bundled places plus the user's own file.

Indexing the ~15,000 names (their normal, phonetic and skeleton keys) takes about 0.25 s
of every command that geocodes; given a cache folder, the keys are kept there
(:mod:`geo.cache`, keyed by the places files and the code) and read back in 0.01 s.
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING

from geo import datasets
from geo.geocode import Gazetteer, index_names
from geo.places import load_extra_places, load_places

if TYPE_CHECKING:
    from pathlib import Path

    from geo.places import Place

log = logging.getLogger(__name__)
EXTRA_FILENAME = "places_extra.csv"
_KEYS_ENTRY = "gazetteer-keys"


def load_gazetteer(
    *,
    data_dir: Path = datasets.DATA_DIR,
    extra_path: Path | None = None,
    cache_dir: Path | None = None,
) -> Gazetteer:
    """Return the gazetteer of ``data_dir/places.csv`` and, if present, the extras file.

    Parameters
    ----------
    data_dir
        Folder with ``places.csv``, ``admin/`` and optionally ``places_extra.csv``.
    extra_path
        The user's places file (default ``data_dir/places_extra.csv``; skipped if absent).
    cache_dir
        Where to keep the names' index keys between runs (the CLI's ``OUT/.cache``).
    """
    places = load_places(data_dir / "places.csv")
    extra = extra_path or data_dir / EXTRA_FILENAME
    if _has_rows(extra):  # the boundaries (for admin areas) load only for real rows
        # numpy, shapely and pyproj cost 0.25 s to import: only a user's own places need them.
        from geo.admin import AdminAreas  # noqa: PLC0415

        admin = AdminAreas.load(data_dir / "admin")
        places += load_extra_places(extra, admin=admin, taken_ids={p.place_id for p in places})
    if cache_dir is None:
        return Gazetteer(places)
    return Gazetteer(places, keys=_index_keys(places, cache_dir, data_dir / "places.csv", extra))


def _index_keys(
    places: list[Place], cache_dir: Path, *files: Path
) -> list[tuple[str, str, str, str]]:
    """Return the index keys of every name, from the cache when they were kept for these files."""
    from geo.cache import BuildCache, digest, file_digest  # noqa: PLC0415
    from geo.names import name_keys  # noqa: PLC0415

    cache = BuildCache(cache_dir)
    names = index_names(places)
    key = digest(*(file_digest(path) for path in files), str(len(names)))
    payload = cache.read(_KEYS_ENTRY, key=key)
    if payload is not None:
        kept = json.loads(payload)
        if len(kept) == len(names):
            return [(exact, norm, phon, skel) for exact, norm, phon, skel in kept]
    keys = [name_keys(name) for name in names]
    try:
        cache.write(_KEYS_ENTRY, json.dumps(keys, ensure_ascii=False).encode("utf-8"), key=key)
    except OSError as exc:  # a read-only output folder: index again next time
        log.debug("gazetteer keys not cached: %s", exc)
    return keys


def _has_rows(path: Path) -> bool:
    """Return True if ``path`` exists and holds a line after its header."""
    if not path.exists():
        return False
    with path.open("rb") as handle:
        handle.readline()
        return any(line.strip() for line in handle)
