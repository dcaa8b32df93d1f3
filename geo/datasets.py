"""Where the bundled data files live.

The project runs from its checkout (``pip install -e .``); data ships in ``data/`` beside
the packages and generated files go to ``output/``.
"""

from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = PROJECT_ROOT / "data"
OUTPUT_DIR = PROJECT_ROOT / "output"

PLACES_CSV = DATA_DIR / "places.csv"
M4_WAYPOINTS_CSV = DATA_DIR / "m4_waypoints.csv"
INCIDENTS_CSV = DATA_DIR / "incidents.csv"
ADMIN_DIR = DATA_DIR / "admin"
