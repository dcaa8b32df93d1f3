"""Where the bundled data files live.

The project runs from its checkout (``pip install -e .``); data ships in ``data/`` beside
the packages and generated files go to ``output/``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from geo.user_layers import UserLayerSpec

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = PROJECT_ROOT / "data"
OUTPUT_DIR = PROJECT_ROOT / "output"

PLACES_CSV = DATA_DIR / "places.csv"
M4_WAYPOINTS_CSV = DATA_DIR / "m4_waypoints.csv"
INCIDENTS_CSV = DATA_DIR / "incidents.csv"
ADMIN_DIR = DATA_DIR / "admin"
COMMON_WORDS_TXT = DATA_DIR / "common_words.txt"


def static_files(
    *,
    data_dir: Path = DATA_DIR,
    road_path: Path | None = None,
    layers: tuple[UserLayerSpec, ...] = (),
) -> list[Path]:
    """Return every file the static inputs are loaded from.

    That is the places, road, posts and boundaries, and the files of the analyst layers.
    """
    road = [road_path] if road_path is not None else [data_dir / "m4_waypoints.csv"]
    if road_path is not None and road_path.suffix.lower() == ".shp":
        road += sorted(road_path.parent.glob(f"{road_path.stem}.*"))
    return [
        data_dir / "places.csv",
        *road,
        data_dir / "observation_posts.csv",
        *sorted((data_dir / "admin").glob("*")),
        *(path for spec in layers for path in spec.files()),
    ]
