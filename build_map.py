"""Build the Idlib de-escalation zone map and look up places: ``python build_map.py``.

Commands: ``build`` (default), ``add``, ``import-acled``, ``ingest`` (a report's text into
candidates), ``geocode``, ``places``, ``figure`` and ``chart`` (images for reports), ``doctor``,
and ``store`` (``init``, ``push``, ``pull``, ``history``) for a store in PostgreSQL. This file
parses, calls geo and layers, prints.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import logging
import sys
import time
from dataclasses import replace
from pathlib import Path

from geo import datasets
from geo.build import STAGES, build
from geo.config import DEFAULT_CONFIG_NAME
from geo.coords import AREA_OF_INTEREST, LonLat
from geo.errors import (
    AmbiguousPlaceError,
    CRSError,
    DataFileError,
    GeocodeInputError,
    GeometryError,
    PlaceNotFoundError,
)
from geo.progress import Progress
from geo.store import options
from geo.store.open import open_store
from geo.terminal import protect_streams
from geo.watch import watch
from layers.offline import OfflineAssetError
from layers.page import fill_page, render_template

# Commands import their heavy modules when they run: `--help` and unchanged builds start fast.
_ERRORS = (DataFileError, CRSError, GeometryError, GeocodeInputError, OfflineAssetError, ValueError)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="idlib-map", description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=datasets.DATA_DIR, help="data folder")
    parser.add_argument("-q", "--quiet", action="store_true", help="print errors only")
    parser.add_argument("-v", "--verbose", action="store_true", help="log stages, times, cache")
    commands = parser.add_subparsers(dest="command")
    build = commands.add_parser("build", help="build the map (the default)")
    add = commands.add_parser("add", help="add incidents to the store, then rebuild")
    acled = commands.add_parser("import-acled", help="merge an ACLED export, then rebuild")
    # fmt: off
    for target in (parser, build, add, acled):
        options.add_store_option(target, config=True)
        target.add_argument("--out", type=Path, default=datasets.OUTPUT_DIR, help="output folder")
        target.add_argument("--cdn", action="store_true",
                            help="link Leaflet from its CDN (smaller; needs the network)")
        target.add_argument("--road", type=Path,
                            help="road file (GeoJSON/GPKG/SHP) replacing the bundled M4 line")
        target.add_argument("--layer", type=Path, action="append", default=[], metavar="FILE",
                            help="an analyst layer (GeoJSON, KML/KMZ, GPKG, SHP); repeatable")
        target.add_argument("--no-exports", action="store_true",
                            help="write only the map, not the data exports")
        target.add_argument("--kml", action="store_true",
                            help="also write OUT/idlib.kml for Google Earth (with the exports)")
        target.add_argument("--strict", action="store_true",
                            help="stop at any bad row instead of mapping the others")
    for target in (parser, build):
        target.add_argument("--watch", action="store_true",
                            help="rebuild whenever the store or a data file changes (Ctrl-C stops)")
        target.add_argument("--max-runs", type=int, help=argparse.SUPPRESS)  # for tests
    for target in (add, acled):
        target.add_argument("--no-build", action="store_true", help="do not rebuild the map")
        target.add_argument("--wait", action="store_true",
                            help="return once the exports are written too (else they follow)")
        options.add_analyst_option(target)
    # fmt: on
    _parse_add_arguments(add)
    acled.add_argument("export", type=Path, help="ACLED CSV export (current or pre-2023 columns)")
    _parse_lookup_commands(commands)
    options.add_store_commands(commands)
    return parser


def _parse_add_arguments(add: argparse.ArgumentParser) -> None:
    # fmt: off
    add.add_argument("--date", help="event date, YYYY-MM-DD")
    add.add_argument("--place", default="", help="place name, any spelling (geocoded offline)")
    add.add_argument("--lat", type=float, help="latitude (with --lon, instead of --place)")
    add.add_argument("--lon", type=float, help="longitude (with --lat)")
    add.add_argument("--type", help="shelling, airstrike, drone, ied, missile, clash ... or an "
                     "ACLED sub-event type")
    add.add_argument("--source", default="", help="outlet and date, e.g. 'Enab Baladi, 8 Sep 2020'")
    for option in ("source-url", "notes", "tags", "actor1", "assoc-actor1", "actor2",
                   "assoc-actor2"):
        add.add_argument(f"--{option}", default="")
    add.add_argument("--fatalities", type=int, help="killed (lowest figure reported)")
    add.add_argument("--injured", type=int, help="injured; omit if unknown")
    add.add_argument("--time-precision", type=int, default=1, choices=(1, 2, 3),
                     help="1 day, 2 week, 3 month")
    add.add_argument("--geo-precision", type=int, choices=(1, 2, 3), help="1 at, 2 near, 3 region")
    add.add_argument("--civilian-targeting", action="store_true")
    add.add_argument("--from", dest="from_file", type=Path, help="add every row of this CSV "
                     "(e.g. the reviewed output/candidates.csv of `ingest`)")
    add.add_argument("--force", action="store_true", help="add even if it looks entered already")
    # fmt: on


def _parse_lookup_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    # fmt: off
    geocode = commands.add_parser("geocode", help="resolve place names, offline")
    geocode.add_argument("name", nargs="?", help="a place name in any spelling or Arabic script")
    geocode.add_argument("--file", type=Path, help="resolve every line of this UTF-8 file")
    geocode.add_argument("--all", action="store_true", help="print the ranked candidates")
    geocode.add_argument("--json", action="store_true", help="print JSON")
    geocode.add_argument("--near", type=_parse_latlon, help="LAT,LON to prefer nearby places")
    geocode.add_argument("--in", dest="area", help="keep places in this admin area")
    geocode.add_argument("--kind", action="append", help="keep places of this kind (repeatable)")
    ingest = commands.add_parser("ingest", help="extract candidate incidents from a report")
    ingest.add_argument("report", nargs="?", type=Path, help="text or HTML file (default: stdin)")
    ingest.add_argument("--published", type=_parse_date, help="YYYY-MM-DD (else: its dateline)")
    ingest.add_argument("--source", default="", help="the outlet, e.g. 'Enab Baladi'")
    ingest.add_argument("--url", default="", help="the report's address")
    ingest.add_argument("--overwrite", action="store_true", help="replace edited candidates")
    doctor = commands.add_parser("doctor", help="check data, cache, assets, browser; say fixes")
    for target in (ingest, doctor):
        options.add_store_option(target, config=True)
        target.add_argument("--out", type=Path, default=datasets.OUTPUT_DIR, help="output folder")
    _parse_image_commands(commands)
    places = commands.add_parser("places", help="browse the gazetteer")
    places.add_argument("--search", required=True, help="text a place name contains (any spelling)")
    places.add_argument("--limit", type=int, default=20)
    places.add_argument("--json", action="store_true", help="print JSON")
    # fmt: on


def _parse_image_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from geo.symbology import SYMBOLS  # noqa: PLC0415

    # fmt: off
    figure = commands.add_parser("figure", help="draw a map for a report (PNG, SVG or PDF)")
    chart = commands.add_parser("chart", help="chart incidents and casualties per month by side")
    for target in (figure, chart):
        target.add_argument("--out", type=Path, required=True, help="FILE.png, .svg (or .pdf)")
        options.add_store_option(target, config=True)
        target.add_argument("--from", dest="start", type=_parse_date, help="first day YYYY-MM-DD")
        target.add_argument("--to", dest="end", type=_parse_date, help="last day YYYY-MM-DD")
        target.add_argument("--types", help="e.g. shelling,air (keys: " + ", ".join(SYMBOLS) + ")")
    figure.add_argument("--bbox", help="WEST,SOUTH,EAST,NORTH in degrees")
    figure.add_argument("--road", type=Path, help="road file replacing the bundled M4 line")
    # fmt: on


def _parse_latlon(text: str) -> LonLat:
    try:
        lat, lon = (float(part) for part in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not LAT,LON (e.g. 35.81,36.61)") from None
    box = AREA_OF_INTEREST
    if not box.contains(LonLat(lon, lat)):
        swapped = " (swapped? latitude comes first)" if box.contains(LonLat(lat, lon)) else ""
        raise argparse.ArgumentTypeError(f"{text!r} is outside north-west Syria{swapped}")
    return LonLat(lon=lon, lat=lat)


def _parse_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date YYYY-MM-DD") from None


def _cmd_build(args: argparse.Namespace) -> int:
    if getattr(args, "watch", False):
        return _cmd_watch(args)
    progress = Progress.for_terminal(stages=STAGES, quiet=args.quiet)
    options.refuse_unused_imports(args)
    result = build(options.build_settings(args), render_template=render_template,
                   fill_template=fill_page, progress=progress)  # fmt: skip
    if not args.quiet:
        print("\n".join(result.report(max_warnings=None if args.verbose else 20)))
    elif result.problems:  # rows left off the map are errors, said even when quiet
        print(result.quiet_line(), file=sys.stderr)
    return 0


def _cmd_watch(args: argparse.Namespace) -> int:
    settings = replace(options.build_settings(args), keep_warm=True)
    options.check_watchable(settings.store)
    options.refuse_unused_imports(args)

    def _cmd_rebuild() -> None:
        stamp = time.strftime("%H:%M:%S")
        try:
            result = build(settings, render_template=render_template, fill_template=fill_page,
                           progress=Progress(stages=STAGES, enabled=False))  # fmt: skip
        except _ERRORS as exc:
            print(f"{stamp} not rebuilt: {exc}", flush=True)
            return
        print(f"{stamp} {'checked' if result.unchanged else 'rebuilt'} {result.line()}", flush=True)
        for line in result.report(max_warnings=None if args.verbose else 5):
            if line.startswith(("problem: ", "warning: ", "… and ")):
                print(f"  {line}", flush=True)

    config = args.config or Path.cwd() / DEFAULT_CONFIG_NAME
    print(f"Watching {settings.store} and the data files; Ctrl-C stops.", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        watch(lambda: settings.watched_files(config), _cmd_rebuild, max_runs=args.max_runs)
    return 0


def _cmd_add(args: argparse.Namespace) -> int:
    from geo.admin import AdminAreas  # noqa: PLC0415
    from geo.incidents.add import NewIncident, prepare_row, rows_from_file  # noqa: PLC0415

    options.refuse_unused_imports(args)
    store = open_store(options.store_location(args))
    gazetteer = options.gazetteer(args)
    admin = AdminAreas.load(args.data_dir / "admin")
    if args.from_file is not None:
        rows = rows_from_file(args.from_file, gazetteer=gazetteer, admin=admin)
    else:
        new = NewIncident.from_options(vars(args))
        try:
            rows = [("the new incident", prepare_row(new, gazetteer=gazetteer, admin=admin))]
        except (PlaceNotFoundError, AmbiguousPlaceError) as exc:
            print(f"error: --place: {exc}", file=sys.stderr)
            return 1
    places = {place.place_id: place for place in gazetteer.places}
    ids = store.add(rows, admin=admin, places=places, force=args.force, analyst=args.analyst)
    for event_id, (_, row) in zip(ids, rows, strict=True):
        print(f"added {event_id}: {row['event_date']} {row['sub_event_type']} at {row['location']}")
    return 0 if args.no_build else _cmd_build(args)


def _cmd_import_acled(args: argparse.Namespace) -> int:
    from geo.admin import AdminAreas  # noqa: PLC0415

    options.refuse_unused_imports(args)
    store = open_store(options.store_location(args))
    gazetteer = options.gazetteer(args)
    admin = AdminAreas.load(args.data_dir / "admin")
    places = {place.place_id: place for place in gazetteer.places}
    report = store.import_acled(args.export, admin=admin, places=places, analyst=args.analyst)
    print(f"{args.export}: {report.describe()}")
    return 0 if args.no_build else _cmd_build(args)


def _cmd_store(args: argparse.Namespace) -> int:
    print("\n".join(options.run_store_command(args, options.store_location(args))))
    return 0


def _cmd_geocode(args: argparse.Namespace) -> int:
    if (args.name is None) == (args.file is None):
        print("error: give a NAME or --file, not both", file=sys.stderr)
        return 2

    from geo.geocode import describe_result  # noqa: PLC0415 - rapidfuzz and the name rules

    gazetteer = options.gazetteer(args)
    near = args.near or args.area
    if args.file is not None:
        lines = args.file.read_text(encoding="utf-8-sig").splitlines()
        results = gazetteer.resolve_each(lines, near=near, kinds=args.kind)
        print(json.dumps(results, ensure_ascii=False, indent=1) if args.json
              else "\n".join(f"{r['query']}\t{describe_result(r)}" for r in results))  # fmt: skip
        return 0
    if args.all:
        matches = gazetteer.geocode(args.name, near=near, kinds=args.kind)
        print(json.dumps([m.to_dict() for m in matches], ensure_ascii=False, indent=1) if args.json
              else "\n".join(m.describe() for m in matches) or "no candidates")  # fmt: skip
        return 0 if matches else 1
    try:
        match = gazetteer.resolve(args.name, near=near, kinds=args.kind)
    except (PlaceNotFoundError, AmbiguousPlaceError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(match.to_dict(), ensure_ascii=False, indent=1) if args.json
          else match.describe())  # fmt: skip
    return 0


def _cmd_ingest(args: argparse.Namespace) -> int:
    from geo.ingest.run import CANDIDATES_FILENAME, ingest, read_report  # noqa: PLC0415

    options.refuse_unused_imports(args)
    report = read_report(args.report, sys.stdin.buffer, published=args.published,
                         source=args.source, url=args.url)  # fmt: skip
    result = ingest(report, gazetteer=options.gazetteer(args),
                    out_path=args.out / CANDIDATES_FILENAME, overwrite=args.overwrite,
                    store=open_store(options.store_location(args)))  # fmt: skip
    print("\n".join(result.lines))
    return 0


def _cmd_figure(args: argparse.Namespace) -> int:
    from geo.project import load_inputs  # noqa: PLC0415
    from geo.selection import parse_bbox, parse_types, select  # noqa: PLC0415
    from layers.chart import CHART_FORMATS, draw_chart  # noqa: PLC0415
    from layers.figure import draw_figure  # noqa: PLC0415
    from layers.plotting import FORMATS, check_format  # noqa: PLC0415

    check_format(args.out, formats=FORMATS if args.command == "figure" else CHART_FORMATS)
    inputs = load_inputs(data_dir=args.data_dir, store=options.store_location(args),
                         road_path=getattr(args, "road", None))  # fmt: skip
    bbox = parse_bbox(args.bbox) if getattr(args, "bbox", None) else None
    chosen = select(
        inputs, start=args.start, end=args.end, types=parse_types(args.types), bbox=bbox
    )
    out = (draw_figure(inputs, chosen, out=args.out, bbox=bbox) if args.command == "figure"
           else draw_chart(chosen, out=args.out))  # fmt: skip
    print(f"wrote {out}: {len(chosen):,} of {chosen.total:,} incidents")
    return 0


def _cmd_doctor(args: argparse.Namespace) -> int:
    from geo import doctor  # noqa: PLC0415
    from layers.offline import check_assets  # noqa: PLC0415

    store = open_store(options.store_location(args))
    findings = [*doctor.check_python(), *doctor.check_data(args.data_dir, store), *check_assets(),
                *doctor.check_cache(args.out), *doctor.check_output(args.out, store),
                *doctor.check_browser()]  # fmt: skip
    lines, healthy = doctor.summarise(findings)
    print("\n".join(lines))
    return 0 if healthy else 1


def _cmd_places(args: argparse.Namespace) -> int:

    matches = options.gazetteer(args).search(args.search, limit=args.limit)
    print(json.dumps([m.to_dict() for m in matches], ensure_ascii=False, indent=1) if args.json
          else "\n".join(m.describe() for m in matches) or "no places found")  # fmt: skip
    return 0 if matches else 1


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the process exit status.

    Without ``argv`` (``sys.argv`` is read) the process is the command's own, and a build
    keeps the packages it does not use from being imported (:mod:`geo.imports`).
    """
    args = _parser().parse_args(argv)
    args.own_process = argv is None
    protect_streams()  # report text must not drive the terminal
    level = logging.DEBUG if args.verbose else logging.WARNING if args.quiet else logging.INFO
    logging.basicConfig(level=level, format="%(message)s")
    logging.getLogger("pyogrio").setLevel(logging.WARNING)
    logging.getLogger("psycopg").setLevel(logging.WARNING)
    commands = {"geocode": _cmd_geocode, "places": _cmd_places, "add": _cmd_add,
                "import-acled": _cmd_import_acled, "ingest": _cmd_ingest,
                "doctor": _cmd_doctor, "figure": _cmd_figure, "chart": _cmd_figure,
                "store": _cmd_store}  # fmt: skip
    command = commands.get(args.command, _cmd_build)
    try:
        return command(args)
    except _ERRORS as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
