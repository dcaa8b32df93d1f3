"""Check that a machine and a project folder can build the map, and say how to fix what cannot.

Each check returns :class:`Finding` objects; ``build_map.py doctor`` prints them. Nothing
here changes a file: the fixes are printed for the user to run.
"""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import importlib.util
import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING

from geo import generation
from geo.cache import CACHE_DIRNAME, BuildCache
from geo.errors import CRSError, DataFileError, GeometryError
from geo.incidents import IncidentValidationError
from geo.incidents.validate import validate
from geo.project import load_static
from geo.store.csv_store import CsvStore

if TYPE_CHECKING:
    from collections.abc import Iterable
    from pathlib import Path

    from geo.store.base import Store

#: Below this much free disk space in the output folder a 100,000-incident build may fail.
MIN_FREE_MB = 500
#: Browsers the tests use, in the order tests/browser/conftest.py tries them.
CHROMIUM_PATHS = ("/usr/bin/chromium", "/usr/lib/chromium/chromium")
_MAX_LISTED = 5


@dataclass(frozen=True, slots=True)
class Finding:
    """One check's result: what was checked, whether it is fine, and how to fix it if not."""

    check: str
    ok: bool
    detail: str
    fix: str = ""

    def line(self) -> str:
        """Return the finding as ``ok   check: detail`` (plus ``fix:`` when not ok)."""
        head = f"{'ok  ' if self.ok else 'FAIL'}  {self.check}: {self.detail}"
        return head if self.ok or not self.fix else f"{head}\n      fix: {self.fix}"


def check_data(data_dir: Path, store: Store, *, road: Path | None = None) -> list[Finding]:
    """Load the bundled data and validate the incident store, as a build would."""
    try:
        static = load_static(data_dir=data_dir, road_path=road)
    except (DataFileError, CRSError, GeometryError, OSError) as exc:
        return [
            Finding("data", ok=False, detail=_first_line(exc),
                    fix=f"restore {data_dir} from git (`git checkout -- {data_dir}`) or fix "
                    "the file named")
        ]  # fmt: skip
    found = [
        Finding(
            "data",
            ok=True,
            detail=f"{len(static.places):,} places, the M4 ({len(static.road.line_lonlat.coords)}"
            f" points), {len(static.posts)} observation posts, admin areas in {data_dir}",
        )
    ]
    found += check_database(store)
    try:
        table = store.table()
        parsed = validate(
            table, today=dt.datetime.now(tz=dt.UTC).date(), admin=static.admin,
            places=static.places_by_id,
        )  # fmt: skip
    except IncidentValidationError as exc:
        listed = "; ".join(i.describe(store.name) for i in exc.issues[:_MAX_LISTED])
        fix = "correct those rows (each names its line and column), or restore the file"
        found.append(Finding("store", ok=False, detail=f"{len(exc.issues)} problem(s): {listed}",
                             fix=fix))  # fmt: skip
        return found
    except (DataFileError, OSError) as exc:
        fix = (
            f"check {store.name} (UTF-8 CSV with the store's columns)"
            if isinstance(store, CsvStore)
            else "see the README's Team store section (store init, roles, PGPASSWORD/.pgpass)"
        )
        found.append(Finding("store", ok=False, detail=_first_line(exc), fix=fix))
        return found
    warnings = len(parsed.warnings)
    note = f"; {warnings} warning(s) (events that look entered twice)" if warnings else ""
    found.append(Finding("store", ok=True, detail=f"{len(table):,} valid incidents{note}"))
    return found


def check_database(store: Store) -> list[Finding]:
    """For a database store: who is logged in and whether it may read and add."""
    if isinstance(store, CsvStore):
        return []
    from geo.store.roles import current_rights  # noqa: PLC0415 - psycopg for databases only

    location = getattr(store, "location", None)
    if location is None:
        return []
    try:
        user, may_read, may_add = current_rights(location)
    except DataFileError as exc:
        fix = "check the URL, the server, and PGPASSWORD/~/.pgpass or the service file"
        return [Finding("database", ok=False, detail=_first_line(exc), fix=fix)]
    rights = "may read and add" if may_add else "may read (builds maps; adds refused)"
    if not may_read:
        rights = "may not read the store"
    fix = f"GRANT {location.schema}_reader (or _analyst) TO {user}; as the store's owner"
    return [Finding("database", ok=may_read, detail=f"{store.name} as {user}: {rights}", fix=fix)]


def check_output(out: Path, store: Store) -> list[Finding]:
    """Check the output folder is writable with room to spare, and find crash leftovers."""
    found = []
    folder = out if out.exists() else out.parent
    if not folder.exists() or not _writable(folder):
        found.append(Finding("output", ok=False, detail=f"{folder} cannot be written",
                             fix="create it or choose another folder with --out"))  # fmt: skip
    else:
        free_mb = shutil.disk_usage(folder).free // 1_000_000
        detail = f"{folder} is writable, {free_mb:,} MB free"
        fix = f"free at least {MIN_FREE_MB} MB of disk space"
        found.append(Finding("output", ok=free_mb >= MIN_FREE_MB, detail=detail, fix=fix))
    leftovers = _leftovers(out, store.path if isinstance(store, CsvStore) else None)
    if leftovers:
        names = ", ".join(str(p) for p in leftovers[:_MAX_LISTED])
        found.append(Finding(
            "leftovers", ok=False,
            detail=f"{len(leftovers)} temporary file(s) from an interrupted write: {names} "
            "(the files they were replacing are intact)",
            fix="delete them: rm " + " ".join(str(p) for p in leftovers)))  # fmt: skip
    return found + check_exports(out)


def check_exports(out: Path) -> list[Finding]:
    """Say whether exports are being written in the background, or were left unfinished.

    Cheap: the newest exports generation started (its record and lock) against the digest
    the exports were last recorded for; the store is not read.
    """
    folder = out / CACHE_DIRNAME
    state = generation.inspect(folder)
    if state is None:
        return []
    when = dt.datetime.fromtimestamp(state.started, tz=dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    if state.running:
        detail = f"exports are being written (started {when}); `build_map.py build` waits for them"
        return [Finding("exports", ok=True, detail=detail)]
    try:
        recorded = json.loads((folder / "exports.json").read_text(encoding="utf-8")).get("key")
    except (OSError, ValueError, AttributeError):
        recorded = None
    if recorded == state.key:
        return []
    error = generation.last_error(folder, since=state.started)
    why = f"it failed: {error}" if error else "the process was killed or failed"
    return [Finding("exports", ok=False,
                    detail=f"exports are stale: those started {when} were never finished "
                    f"({why})",
                    fix="build_map.py build (rewrites them)")]  # fmt: skip


def _leftovers(out: Path, store: Path | None) -> list[Path]:
    """Return the temporary files interrupted writes left, in ``out`` and beside the store.

    In the output folder they may also be in ``layers/`` and ``.cache/``; GDAL's GeoPackage
    temporaries end in ``.gpkg``, and a kill mid-transaction leaves SQLite's journal beside one.
    """
    found: set[Path] = set()
    if out.is_dir():
        found |= {p for p in out.rglob(".*.tmp") if p.is_file()}
        for suffix in ("", "-journal", "-wal", "-shm"):
            found |= {p for p in out.glob(f".*.gpkg.*.gpkg{suffix}") if p.is_file()}
    if store is not None and store.parent.is_dir():
        found |= {p for p in store.parent.glob(f".{store.name}.*.tmp") if p.is_file()}
    return sorted(found)


def check_cache(out: Path) -> list[Finding]:
    """Check every build-cache entry's metadata and checksum."""
    cache = BuildCache(out / CACHE_DIRNAME)
    entries = cache.inspect()
    if not entries:
        return [Finding("cache", ok=True, detail="empty (the next build fills it)")]
    bad = [(name, status) for name, status in entries if status.startswith("corrupt")]
    old = sum(status != "ok" for _, status in entries) - len(bad)
    if not bad:
        note = f"; {old} from an older version of the code (rebuilt on next build)" if old else ""
        return [Finding("cache", ok=True, detail=f"{len(entries)} entries, none damaged{note}")]
    listed = "; ".join(f"{name}: {status}" for name, status in bad[:_MAX_LISTED])
    return [
        Finding("cache", ok=False,
                detail=f"{len(bad)} of {len(entries)} entries damaged: {listed} (a build "
                "notices and rebuilds them)",
                fix=f"optional: rm -r {out / CACHE_DIRNAME}")
    ]  # fmt: skip


def check_browser() -> list[Finding]:
    """Check the headless Chromium and Playwright the browser tests use."""
    found = []
    if importlib.util.find_spec("playwright") is None:
        found.append(Finding("browser", ok=False, detail="playwright is not installed (tests only)",
                             fix="make test (installs the test extras)"))  # fmt: skip
    path = next((p for p in CHROMIUM_PATHS if shutil.which(p)), None)
    if path is None:
        detail = "no Debian chromium (tests fall back to Playwright's)"
        fix = "make browser (apt-get install chromium as root, else playwright install)"
        found.append(Finding("browser", ok=False, detail=detail, fix=fix))
        return found
    try:
        version = subprocess.run(  # noqa: S603 - a fixed path found above, no shell
            [path, "--headless", "--no-sandbox", "--version"],
            capture_output=True, text=True, timeout=30, check=True,
        ).stdout.strip()  # fmt: skip
    except (OSError, subprocess.SubprocessError) as exc:
        found.append(Finding("browser", ok=False, detail=f"{path} does not run: {exc}",
                             fix="reinstall it: make browser"))  # fmt: skip
        return found
    found.append(Finding("browser", ok=True, detail=f"{version} at {path}"))
    return found


def check_python() -> list[Finding]:
    """Check the interpreter and the pinned rendering packages."""
    python = ".".join(str(part) for part in sys.version_info[:3])
    found = [Finding("python", ok=sys.version_info >= (3, 11), detail=f"Python {python}",
                     fix="use Python 3.11 or newer")]  # fmt: skip
    try:
        folium = importlib.metadata.version("folium")
    except importlib.metadata.PackageNotFoundError:
        folium = "missing"
    found.append(Finding("packages", ok=folium.startswith("0.20."), detail=f"folium {folium}",
                         fix="make map (installs the pinned packages into .venv)"))  # fmt: skip
    return found


def summarise(findings: Iterable[Finding]) -> tuple[list[str], bool]:
    """Return the printable lines and whether every check passed."""
    items = list(findings)
    failed = [f for f in items if not f.ok]
    lines = [f.line() for f in items]
    lines.append(
        "all checks passed" if not failed else f"{len(failed)} problem(s) found; fixes above"
    )
    return lines, not failed


def _first_line(exc: Exception) -> str:
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def _writable(folder: Path) -> bool:
    probe = folder / ".doctor-probe.tmp"
    try:
        probe.write_bytes(b"")
        probe.unlink()
    except OSError:
        return False
    return True
