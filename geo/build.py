"""One build of the map and its data exports, reusing every cached result whose inputs held.

Three things are cached in ``OUT/.cache`` (see :mod:`geo.cache`):

- the page without incident data, keyed by the static inputs (gazetteer, road, posts,
  boundaries), the options and the code: rendered by the caller's ``render_template``;
- the incident rows, reused record by record (:mod:`geo.incidents.incremental`);
- a record of the data exports written, keyed by the static inputs and the store's bytes:
  they are rewritten only when those change or a file on disk was altered since.

The page is filled with the incident data and written first, so a rebuild after one added
incident shows on the map before the exports (CSV, GeoJSON, GeoPackage) are rewritten.
Folium stays out of ``geo``: the caller passes the two page functions.
"""

from __future__ import annotations

import gc
import json
import logging
import time
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import TYPE_CHECKING, Any, Protocol

from geo.atomic import atomic_write_text
from geo.cache import CACHE_DIRNAME, BuildCache, digest, file_digest
from geo.export import corridor_layers, write_corridor_layers
from geo.incidents.export import ExportWriter
from geo.incidents.incremental import forget as forget_rows
from geo.incidents.incremental import load_rows, remember_cached, split_text
from geo.project import load_static, static_files
from geo.store.open import open_store
from geo.watch import stamp

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from geo.incidents.classify import Classification
    from geo.incidents.rows import IncidentRows
    from geo.incidents.store import IncidentStore
    from geo.progress import Progress
    from geo.project import StaticInputs
    from geo.store.location import DatabaseLocation

log = logging.getLogger(__name__)
MAP_FILENAME = "idlib_map.html"
#: The static inputs of the last build in this process, by the digest of their files: a
#: --watch rebuild after an added incident need not load the gazetteer and corridor again.
_STATIC: dict[str, StaticInputs] = {}


class TemplateRenderer(Protocol):
    """Renders the page with a placeholder for the incident data (folium, in ``layers``)."""

    def __call__(self, inputs: StaticInputs, *, offline: bool) -> str:
        """Return the page for ``inputs``; inline every asset when ``offline``."""
        ...


#: The stages :func:`build` reports to its :class:`~geo.progress.Progress`.
STAGES = 3


@dataclass(frozen=True, slots=True)
class BuildSettings:
    """Where a build reads and writes, and how the page links its scripts."""

    data_dir: Path
    out: Path
    #: The incident store: a CSV file, or a database (read in one COPY).
    store: Path | DatabaseLocation
    road: Path | None = None
    offline: bool = True
    exports: bool = True
    #: Keep the rows and static inputs in memory even when nothing changed (``--watch``).
    keep_warm: bool = False

    def watched_files(self, *extra: Path) -> list[Path]:
        """Return the files whose change calls for a rebuild (a database store is not one)."""
        return [
            *([self.store] if isinstance(self.store, PurePath) else []),
            self.data_dir / "places_extra.csv",
            *static_files(data_dir=self.data_dir, road_path=self.road),
            *extra,
        ]


@dataclass
class BuildResult:
    """What a build did and how long it took."""

    map_path: Path
    map_bytes: int
    incidents: int
    reused: int
    parsed: int
    page_cached: bool
    exports_written: bool
    map_seconds: float
    total_seconds: float
    warnings: list[str] = field(default_factory=list)
    static: StaticInputs | None = None
    written: list[Path] = field(default_factory=list)
    #: Nothing had changed: the map and exports on disk were left as they were.
    unchanged: bool = False
    #: Whether this build keeps the exports (``--no-exports`` turns them off).
    exports_enabled: bool = True

    def line(self) -> str:
        """Return a one-line summary (what ``--watch`` prints per rebuild)."""
        if self.unchanged:
            return (
                f"{self.map_path} ({self.map_bytes / 1e6:.1f} MB): {self.incidents:,} incidents; "
                f"nothing changed, map and exports left as they were "
                f"({self.total_seconds:.2f} s)"
            )
        work = f"{self.parsed:,} read, {self.reused:,} reused" if self.reused else "all read"
        exports = (
            "exports rewritten" if self.exports_written
            else "exports off" if not self.exports_enabled
            else "exports unchanged"
        )  # fmt: skip
        return (
            f"{self.map_path} ({self.map_bytes / 1e6:.1f} MB): {self.incidents:,} incidents "
            f"({work}); map in {self.map_seconds:.2f} s, {exports}, "
            f"{self.total_seconds:.2f} s in all"
        )

    def report(self, *, max_warnings: int | None = 20) -> list[str]:
        """Return the lines a build prints: the corridor when computed, files, warnings.

        Warnings past ``max_warnings`` are counted, not listed (None lists them all).
        """
        lines = []
        if self.static is not None:
            corridor = self.static.corridor
            lines += [
                f"Road: {self.static.road.provenance}",
                (
                    f"Corridor: {corridor.length_km:.1f} km of patrol road, "
                    f"{corridor.area_km2:,.1f} km² (north, Turkish "
                    f"{corridor.north_area_km2:,.1f}; south, Russian "
                    f"{corridor.south_area_km2:,.1f})"
                ),
            ]
        if self.written:
            lines.append(f"Data: {', '.join(str(path) for path in self.written)}")
        shown = self.warnings if max_warnings is None else self.warnings[:max_warnings]
        lines += [f"warning: {warning}" for warning in shown]
        if len(shown) < len(self.warnings):
            lines.append(
                f"… and {len(self.warnings) - len(shown):,} more warnings (-v lists them all)"
            )
        lines.append(f"Built {self.line()}")
        lines.append(f"Open it in a browser: file://{self.map_path.resolve()}")
        return lines


def forget() -> None:
    """Drop what this process remembers between builds (static inputs, incident rows)."""
    _STATIC.clear()
    forget_rows()


def build(
    settings: BuildSettings,
    *,
    render_template: TemplateRenderer,
    fill_template: Callable[[str, IncidentRows], str],
    progress: Progress,
) -> BuildResult:
    """Build ``settings.out / MAP_FILENAME`` and the data exports.

    Parameters
    ----------
    settings
        Paths and options.
    render_template
        Returns the page with a placeholder for the incident data.
    fill_template
        ``(page, rows) -> page`` with the rows' data in place.
    progress
        Receives :data:`STAGES` steps.

    Raises
    ------
    DataFileError
        A data file or the store is invalid (nothing is written then).
    """
    # A build allocates millions of small objects and frees few: the cyclic collector would
    # walk them all again and again (a third of a cold build's time at 100,000 incidents).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _build(settings, render_template=render_template, fill_template=fill_template,
                      progress=progress)  # fmt: skip
    finally:
        if collecting:
            gc.enable()


def _build(
    settings: BuildSettings,
    *,
    render_template: TemplateRenderer,
    fill_template: Callable[[str, IncidentRows], str],
    progress: Progress,
) -> BuildResult:
    started = time.perf_counter()
    cache = BuildCache(settings.out / CACHE_DIRNAME)
    static_key = digest(
        *(
            f"{path.name}:{file_digest(path)}"
            for path in static_files(data_dir=settings.data_dir, road_path=settings.road)
        )
    )
    static = _StaticLoader(settings, static_key, progress)

    # The store is read once, whole: a file's bytes, or a database's COPY (the same CSV bytes).
    source = open_store(settings.store)
    text = source.read_text()
    store_digest = text.digest
    exports_key = digest(static_key, store_digest)
    exports_current = _exports_current(cache, exports_key, settings.out)
    page_key = digest(static_key, "offline" if settings.offline else "cdn")
    map_path = settings.out / MAP_FILENAME
    map_key = digest(page_key, store_digest)
    previous = _map_current(cache, map_key, map_path)
    if previous is not None and (exports_current or not settings.exports):
        if settings.keep_warm:  # --watch: have rows and inputs ready for the next change
            static()
            remember_cached(text, cache=cache, key=static_key)
        progress.done()
        return _unchanged(map_path, previous, time.perf_counter() - started)
    progress.step("reading incidents")
    split = split_text(text)
    del text  # the split records hold the bytes now
    writers: list[ExportWriter] = []

    def export_chunk(store: IncidentStore, classes: Classification) -> None:
        # Called only when every record is read anyway: the exports are written from the
        # same chunks instead of reading the store a second time.
        if not writers:
            writers.append(ExportWriter(settings.out, map_layers=corridor_layers(static())))
        writers[0].add(store, classes)

    try:
        loaded = load_rows(
            source.name, cache=cache, key=static_key, static=static, split=split,
            on_chunk=export_chunk if settings.exports and not exports_current else None,
        )  # fmt: skip
        progress.step("rendering the page")
        template, page_cached = _page_template(
            cache, page_key, lambda: render_template(static(), offline=settings.offline)
        )
        html = fill_template(template, loaded.rows)
        atomic_write_text(map_path, html)
        map_seconds = time.perf_counter() - started
        warnings = [warning.describe(source.name) for warning in loaded.warnings]
        record = _record_map(cache, map_key, map_path, html, len(loaded.rows), warnings)
        if loaded.save is not None:
            loaded.save()
        progress.step("writing data exports")
        written: list[Path] = []
        if settings.exports and not exports_current:
            if not loaded.streamed:  # rows came from the cache: parse the same bytes for them
                load_rows(source.name, cache=None, key=static_key, static=static,
                          on_chunk=export_chunk, split=loaded.split)  # fmt: skip
            if not writers:  # an empty store
                writers.append(ExportWriter(settings.out, map_layers=corridor_layers(static())))
            written = write_corridor_layers(static(), settings.out) + writers[0].finish()
            _record_exports(cache, exports_key, settings.out, written)
    finally:
        for writer in writers:
            writer.abort()
    progress.done()
    return BuildResult(
        map_path=map_path,
        map_bytes=record["bytes"],
        incidents=len(loaded.rows),
        reused=loaded.reused,
        parsed=loaded.parsed,
        page_cached=page_cached,
        exports_written=bool(written),
        map_seconds=map_seconds,
        total_seconds=time.perf_counter() - started,
        warnings=warnings,
        static=static.loaded,
        written=written,
        exports_enabled=settings.exports,
    )


class _StaticLoader:
    """Load the static inputs on first call (or take this process's last ones, same key)."""

    def __init__(self, settings: BuildSettings, key: str, progress: Progress) -> None:
        self.settings, self.key, self.progress = settings, key, progress
        self.loaded: StaticInputs | None = None

    def __call__(self) -> StaticInputs:
        """Return the static inputs."""
        if self.loaded is None:
            self.progress.note("loading places, road, corridor")
            remembered = _STATIC.get(self.key)  # same files, same content: same inputs
            self.loaded = remembered or load_static(
                data_dir=self.settings.data_dir, road_path=self.settings.road
            )
            _STATIC.clear()
            _STATIC[self.key] = self.loaded
        return self.loaded


def _page_template(cache: BuildCache, key: str, render: Callable[[], str]) -> tuple[str, bool]:
    """Return the page template from the cache, or render and cache it; and whether cached."""
    cached = cache.read("page", key=key)
    if cached is not None:
        return cached.decode("utf-8"), True
    template = render()
    cache.write("page", template.encode("utf-8"), key=key)
    return template, False


def _unchanged(map_path: Path, record: dict[str, Any], seconds: float) -> BuildResult:
    """Return the result of a build that found nothing to do."""
    return BuildResult(
        map_path=map_path, map_bytes=record["bytes"], incidents=record["incidents"],
        reused=record["incidents"], parsed=0, page_cached=True, exports_written=False,
        map_seconds=seconds, total_seconds=seconds, warnings=record["warnings"], unchanged=True,
    )  # fmt: skip


def _record_map(
    cache: BuildCache, key: str, map_path: Path, html: str, incidents: int, warnings: list[str]
) -> dict[str, Any]:
    """Record the map just written, so an unchanged rebuild can leave it alone."""
    record = {"stamp": list(stamp(map_path)), "incidents": incidents,
              "bytes": len(html.encode("utf-8")), "warnings": warnings}  # fmt: skip
    cache.write("map", json.dumps(record).encode("utf-8"), key=key)
    return record


def _map_current(cache: BuildCache, key: str, map_path: Path) -> dict[str, Any] | None:
    """Return the record of the map on disk if it was built for ``key`` and not touched."""
    payload = cache.read("map", key=key)
    if payload is None:
        return None
    try:
        record: dict[str, Any] = json.loads(payload)
        current = record["stamp"] == list(stamp(map_path))
        valid = isinstance(record["incidents"], int) and isinstance(record["warnings"], list)
    except (ValueError, KeyError, TypeError):
        return None
    return record if current and valid else None


def _exports_current(cache: BuildCache, key: str, out: Path) -> bool:
    """Whether the exports on disk are those written for ``key``, untouched since."""
    payload = cache.read("exports", key=key)
    if payload is None:
        return False
    try:
        recorded = json.loads(payload)
        return bool(recorded) and all(
            list(stamp(out / name)) == value for name, value in recorded.items()
        )
    except (ValueError, AttributeError, TypeError):
        return False


def _record_exports(cache: BuildCache, key: str, out: Path, paths: list[Path]) -> None:
    stamps = {path.relative_to(out).as_posix(): list(stamp(path)) for path in paths}
    cache.write("exports", json.dumps(stamps, sort_keys=True).encode("utf-8"), key=key)
