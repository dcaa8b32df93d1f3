"""Build the Idlib de-escalation zone map: ``python build_map.py`` (or ``idlib-map``).

This file only parses arguments and calls the library: ``geo`` loads and derives the data,
``layers`` renders it.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from geo import datasets
from geo.atomic import atomic_write_text
from geo.errors import CRSError, DataFileError, GeometryError
from geo.project import load_inputs
from layers.compose import build_map, render_html
from layers.offline import OfflineAssetError

MAP_FILENAME = "idlib_map.html"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="idlib-map", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data-dir", type=Path, default=datasets.DATA_DIR, help="bundled data folder"
    )
    parser.add_argument("--incidents", type=Path, default=None, help="incident store (CSV)")
    parser.add_argument("--out", type=Path, default=datasets.OUTPUT_DIR, help="output folder")
    parser.add_argument(
        "--cdn",
        action="store_true",
        help="link Leaflet from its CDN instead of inlining it (smaller, needs the network)",
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="print errors only")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Build ``output/idlib_map.html``; return the process exit status."""
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING if args.quiet else logging.INFO, format="%(message)s")
    try:
        inputs = load_inputs(data_dir=args.data_dir, incidents_path=args.incidents)
        html = render_html(build_map(inputs), offline=not args.cdn)
        out_path = args.out / MAP_FILENAME
        atomic_write_text(out_path, html)
    except (DataFileError, CRSError, GeometryError, OfflineAssetError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if not args.quiet:
        print(
            f"Built {out_path} ({len(html) / 1e6:.1f} MB): {len(inputs.places)} places, "
            f"{len(inputs.incidents)} incidents, corridor {inputs.corridor.area_km2:,.0f} km²."
        )
        print(f"Open it in a browser: file://{out_path.resolve()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
