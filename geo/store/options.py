"""The command line's store options, the ``store`` commands, a build's settings, the gazetteer.

``--store`` and ``--analyst``, the ``store init | push | pull | history`` parsers and what
they run, and the build settings the options and the settings file give: kept here so
that ``build_map.py`` stays a thin wiring of parsers and calls.
"""

from __future__ import annotations

import argparse  # noqa: TC003 - the parsers are built at run time
from pathlib import Path
from typing import TYPE_CHECKING

from geo.build import BuildSettings
from geo.cache import CACHE_DIRNAME
from geo.config import DEFAULT_CONFIG_NAME, MapConfig, load_config
from geo.store.location import DatabaseLocation, parse_location

if TYPE_CHECKING:
    from geo.geocode import Gazetteer


def add_store_option(parser: argparse.ArgumentParser, *, config: bool = False) -> None:
    """Add ``--store PATH_OR_URL`` (also spelled ``--incidents``), and ``--config`` if asked."""
    parser.add_argument(
        "--store", "--incidents", dest="store", default=None, metavar="PATH_OR_URL",
        help="incident store: a CSV file (default data/incidents.csv) or a postgresql:// URL "
        "(no password in it: use PGPASSWORD or ~/.pgpass)",
    )  # fmt: skip
    if config:
        what = f"settings file (default ./{DEFAULT_CONFIG_NAME} if present)"
        parser.add_argument("--config", type=Path, help=what)


def gazetteer(args: argparse.Namespace) -> Gazetteer:
    """Return the gazetteer of ``--data-dir``, its names' index keys kept in ``OUT/.cache``."""
    from geo.gazetteer import load_gazetteer  # noqa: PLC0415 - only commands that geocode

    return load_gazetteer(data_dir=args.data_dir, cache_dir=args.out / CACHE_DIRNAME)


def settings_file(args: argparse.Namespace) -> MapConfig:
    """Return the settings of ``--config``, or of ``./idlib-map.toml`` if present."""
    path = getattr(args, "config", None) or Path.cwd() / DEFAULT_CONFIG_NAME
    found = getattr(args, "config", None) or path.is_file()
    return load_config(path) if found else MapConfig()


def store_location(args: argparse.Namespace) -> Path | DatabaseLocation:
    """Return the store the options name: ``--store``, the settings file, or the default."""
    if args.store:
        return parse_location(args.store)
    return settings_file(args).store or args.data_dir / "incidents.csv"


#: Commands that return once the store and the map are written, the exports following.
_DETACHING = frozenset({"add", "import-acled"})


def _detaches(args: argparse.Namespace) -> bool:
    return getattr(args, "command", None) in _DETACHING and not getattr(args, "wait", False)


def build_settings(args: argparse.Namespace) -> BuildSettings:
    """Return what a build reads and writes, from the options and the settings file.

    ``--layer`` files come after the settings file's ``[[layers]]``.
    """
    config = settings_file(args)
    layers = config.layers
    if args.layer:
        from geo.user_layers import UserLayerSpec, check_spec  # noqa: PLC0415

        layers += tuple(UserLayerSpec(path=path) for path in args.layer)
        for spec in layers:
            where = (
                "--layer" if spec.path in args.layer else str(args.config or DEFAULT_CONFIG_NAME)
            )
            check_spec(spec, where=where)
    return BuildSettings(
        data_dir=args.data_dir, out=args.out, road=args.road or config.road,
        store=store_location(args), offline=not args.cdn,
        exports=not getattr(args, "no_exports", False), strict=getattr(args, "strict", False),
        layers=layers, kml=args.kml,
        detach_exports=_detaches(args),
    )  # fmt: skip


def refuse_unused_imports(args: argparse.Namespace) -> None:
    """Keep pandas and geopandas out of a build, add or ingest command's own process.

    Analyst layers (``--layer`` or the settings file's) are read with geopandas: with any,
    nothing is refused.
    """
    layers = getattr(args, "layer", None) or settings_file(args).layers
    if getattr(args, "own_process", False) and not layers:
        from geo import imports  # noqa: PLC0415

        imports.refuse()


def check_watchable(store: Path | DatabaseLocation) -> None:
    """Refuse ``--watch`` on a database store (it follows files).

    Raises
    ------
    ValueError
        Saying what to do instead.
    """
    if isinstance(store, DatabaseLocation):
        msg = (
            "--watch follows files; for a database store run the build on a schedule (it "
            "reads the store in one COPY and leaves the map alone when nothing changed)"
        )
        raise ValueError(msg)  # noqa: TRY004 - an option the user gave, not a type error


def add_analyst_option(parser: argparse.ArgumentParser) -> None:
    """Add ``--analyst NAME``, recorded with each change in a database store's history."""
    parser.add_argument(
        "--analyst", default="", help="your name, kept with each change in a database's history"
    )


def add_store_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``store init | push | pull | history``."""
    # fmt: off
    store = commands.add_parser("store", help="a team store in PostgreSQL: init, push, pull …")
    actions = store.add_subparsers(dest="store_command", required=True)
    init = actions.add_parser("init", help="create the store's schema in a database, or migrate it")
    init.add_argument("url", help="postgresql:// URL (…?schema=NAME, default idlib)")
    init.add_argument("--roles", action="store_true",
                      help="also create the read-only and analyst roles and grant their rights")
    push = actions.add_parser("push", help="upsert a CSV store into a database store")
    push.add_argument("csv", type=Path, help="the CSV store, e.g. data/incidents.csv")
    push.add_argument("url", help="the database store")
    add_analyst_option(push)
    pull = actions.add_parser("pull", help="write a database store as a CSV store")
    pull.add_argument("url", help="the database store")
    pull.add_argument("out", type=Path, help="the CSV file to write")
    history = actions.add_parser("history", help="the recorded changes of one incident")
    history.add_argument("event_id", help="e.g. SYR-IDL-000017")
    add_store_option(history, config=True)
    # fmt: on


def run_store_command(args: argparse.Namespace, store: Path | DatabaseLocation) -> list[str]:
    """Run the ``store`` command ``args`` names (``store`` is where ``history`` looks)."""
    # Database code is imported here: a CSV user's commands never load psycopg.
    from geo.store import commands  # noqa: PLC0415
    from geo.store.open import open_store  # noqa: PLC0415

    if args.store_command == "history":
        return commands.history_lines(open_store(store), args.event_id)
    if args.store_command == "init":
        return commands.init_lines(database_location(args.url), roles=args.roles)
    if args.store_command == "push":
        return commands.push_lines(args.csv, database_location(args.url),
                                   data_dir=args.data_dir, analyst=args.analyst)  # fmt: skip
    return commands.pull_lines(database_location(args.url), args.out)


def database_location(url: str) -> DatabaseLocation:
    """Return the database ``url`` names; refuse a path.

    Raises
    ------
    ValueError
        ``url`` is not a ``postgresql://`` URL.
    """
    location = parse_location(url)
    if not isinstance(location, DatabaseLocation):
        msg = f"{url}: not a database URL; give postgresql://… (e.g. postgresql:///?service=team)"
        raise ValueError(msg)  # noqa: TRY004 - a user's text, not a type
    return location
