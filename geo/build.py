"""One build of the map and its data exports: read → check → classify → pack → write.

The store arrives as CSV bytes through :func:`geo.incidents.store.read_store` (the store
seam) and is read into columns (:mod:`geo.incidents.columns`), checked column by column
(:mod:`geo.incidents.validate`), classified (:mod:`geo.incidents.classify`), packed for the
page (:mod:`geo.incidents.rows` and the caller's ``fill_template``) and written: the map
by this process while a forked child (:mod:`geo.background`) writes the exports
(:mod:`geo.incidents.export`); the build returns when both are on disk. With
``detach_exports`` (``add``, ``import-acled``) a detached process writes the exports and
the build returns with the map (:mod:`geo.generation` says which writer publishes). Rows with errors
are left off the map and written with their problems to ``rejected.csv``; with ``strict``
any error stops the build and nothing is written. The bytes read once serve the map, the
exports and the digest the outputs are recorded under, so a build describes one state of
the store.

``OUT/.cache`` (:mod:`geo.cache`) keeps the page without incident data (keyed by the
static inputs, the options and the code: rendering it is folium's work) and a record of
the map and exports written for a store digest, so a build with nothing changed leaves
them alone. Folium stays out of ``geo``: the caller passes the two page functions.
"""

from __future__ import annotations

import datetime as dt
import functools
import gc
import json
import logging
import os
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any, Protocol

from geo import background, generation
from geo.atomic import atomic_write_bytes
from geo.cache import CACHE_DIRNAME, BuildCache, digest, file_digest
from geo.datasets import static_files
from geo.store.open import open_store
from geo.watch import stamp

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from geo.incidents.columns import StoreColumns
    from geo.incidents.rows import IncidentRows
    from geo.incidents.validate import Checked
    from geo.progress import Progress
    from geo.project import StaticInputs
    from geo.store.location import DatabaseLocation
    from geo.user_layers import UserLayerSpec

log = logging.getLogger(__name__)
MAP_FILENAME = "idlib_map.html"
#: The static inputs of the last build in this process, by the digest of their files: a
#: --watch rebuild after an added incident need not load the gazetteer and corridor again.
_STATIC: dict[str, StaticInputs] = {}
#: The stages :func:`build` reports to its :class:`~geo.progress.Progress`.
STAGES = 3


class TemplateRenderer(Protocol):
    """Renders the page with a placeholder for the incident data (folium, in ``layers``)."""

    def __call__(self, inputs: StaticInputs, *, offline: bool) -> str:
        """Return the page for ``inputs``; inline every asset when ``offline``."""
        ...


@dataclass(frozen=True, slots=True)
class BuildSettings:
    """Where a build reads and writes, how the page links its scripts, how strict it is."""

    data_dir: Path
    out: Path
    #: The incident store: a CSV file, or a database (read in one COPY).
    store: Path | DatabaseLocation
    road: Path | None = None
    offline: bool = True
    exports: bool = True
    #: Any row with an error stops the build (by default such rows are left off the map).
    strict: bool = False
    #: Keep the static inputs in memory even when nothing changed (``--watch``).
    keep_warm: bool = False
    #: Analyst layers drawn on the map (``--layer`` / ``[[layers]]``).
    layers: tuple[UserLayerSpec, ...] = ()
    #: Write ``idlib.kml`` with the exports (``--kml``).
    kml: bool = False
    #: Leave the exports to a detached process and return once the map is written (``add``).
    detach_exports: bool = False

    def watched_files(self, *extra: Path) -> list[Path]:
        """Return the files whose change calls for a rebuild (a database store is not one)."""
        return [
            *([self.store] if isinstance(self.store, PurePath) else []),
            self.data_dir / "places_extra.csv",
            *static_files(data_dir=self.data_dir, road_path=self.road, layers=self.layers),
            *extra,
        ]


@dataclass
class BuildResult:
    """What a build did and how long it took."""

    map_path: Path
    map_bytes: int
    incidents: int
    page_cached: bool
    exports_written: bool
    map_seconds: float
    total_seconds: float
    warnings: list[str] = field(default_factory=list)
    #: Every error found, by file, line and column; those rows are not on the map.
    problems: list[str] = field(default_factory=list)
    rejected: int = 0
    static: StaticInputs | None = None
    written: list[Path] = field(default_factory=list)
    #: Nothing had changed: the map and exports on disk were left as they were.
    unchanged: bool = False
    #: Whether this build keeps the exports (``--no-exports`` turns them off).
    exports_enabled: bool = True
    #: The detached process writing the exports after this build returned (``add``).
    exporter_pid: int | None = None
    #: A newer build started meanwhile: its exports, not this one's, are published.
    exports_superseded: bool = False

    def line(self) -> str:
        """Return a one-line summary (what ``--watch`` prints per rebuild)."""
        not_shown = (
            f" ({self.rejected:,} rows not shown, see "
            f"{self.map_path.with_name(REJECTED_FILENAME)})" if self.rejected else ""
        )  # fmt: skip
        if self.unchanged:
            return (
                f"{self.map_path} ({self.map_bytes / 1e6:.1f} MB): {self.incidents:,} incidents"
                f"{not_shown}; nothing changed, map and exports left as they were "
                f"({self.total_seconds:.2f} s)"
            )
        exports = (
            "exports rewritten" if self.exports_written
            else "exports off" if not self.exports_enabled
            else f"exports being written in the background (pid {self.exporter_pid}); "
            "`build_map.py build` waits for them" if self.exporter_pid is not None
            else "exports left to a newer build" if self.exports_superseded
            else "exports unchanged"
        )  # fmt: skip
        return (
            f"{self.map_path} ({self.map_bytes / 1e6:.1f} MB): {self.incidents:,} incidents"
            f"{not_shown}; map in {self.map_seconds:.2f} s, {exports}, "
            f"{self.total_seconds:.2f} s in all"
        )

    def quiet_line(self) -> str:
        """Return what ``-q`` prints of a build that left rows off the map."""
        rows = f"{self.rejected:,} row{'s' if self.rejected != 1 else ''}"
        first = f"; first problem: {self.problems[0]}" if self.problems else ""
        return f"{rows} not shown (see {self.map_path.with_name(REJECTED_FILENAME)}){first}"

    def report(self, *, max_warnings: int | None = 20) -> list[str]:
        """Return the lines a build prints: the corridor when computed, files, problems.

        Problems and warnings past ``max_warnings`` are counted, not listed (None: all).
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
        for kind, items in (("problem", self.problems), ("warning", self.warnings)):
            shown = items if max_warnings is None else items[:max_warnings]
            lines += [f"{kind}: {item}" for item in shown]
            if len(shown) < len(items):
                lines.append(f"… and {len(items) - len(shown):,} more {kind}s (-v lists them all)")
        lines.append(f"Built {self.line()}")
        lines.append(f"Open it in a browser: file://{self.map_path.resolve()}")
        return lines


REJECTED_FILENAME = "rejected.csv"


def forget() -> None:
    """Drop what this process remembers between builds (the static inputs)."""
    _STATIC.clear()


def build(
    settings: BuildSettings,
    *,
    render_template: TemplateRenderer,
    fill_template: Callable[[str, IncidentRows], bytes],
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
        ``(page, rows) -> page`` with the rows' data in place, as UTF-8 bytes.
    progress
        Receives :data:`STAGES` steps.

    Raises
    ------
    DataFileError
        A data file or the store cannot be read, or (``strict``) a row has an error:
        nothing is written then.
    """
    # Few objects are freed during a build: the cyclic collector would only walk them.
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
    fill_template: Callable[[str, IncidentRows], bytes],
    progress: Progress,
) -> BuildResult:
    started = time.perf_counter()
    cache = BuildCache(settings.out / CACHE_DIRNAME)
    files = static_files(data_dir=settings.data_dir, road_path=settings.road,
                         layers=settings.layers)  # fmt: skip
    static_key = digest(*(f"{path.name}:{file_digest(path)}" for path in files),
                        *(spec.key() for spec in settings.layers))  # fmt: skip
    # The store is read once, whole: a file's bytes, or a database's COPY (the same CSV bytes).
    store = open_store(settings.store).read_text()
    page_key = digest(static_key, "offline" if settings.offline else "cdn")
    # Strict or not, a store gives the same files (or, strict with errors, none).
    map_key = digest(page_key, store.digest)
    exports_key = digest(static_key, store.digest, "kml" if settings.kml else "")
    map_path = settings.out / MAP_FILENAME
    previous = _map_current(cache, map_key, settings.out)
    exports_current = settings.exports and _exports_waited(cache, exports_key, settings.out)
    static = _StaticLoader(settings, static_key, progress)
    if previous is not None and (exports_current or not settings.exports):
        if settings.keep_warm:  # --watch: have the inputs ready for the next change
            static()
        progress.done()
        return _unchanged(map_path, previous, time.perf_counter() - started)
    # Recorded before the store is read further: an older exporter still running now finds
    # itself overtaken when it comes to publish.
    write_exports = settings.exports and not exports_current
    newest = generation.begin(cache.directory, exports_key) if write_exports else None
    progress.step("reading incidents")
    # Without a cached page template a child renders it (folium) while this process reads,
    # checks and classifies the store.
    page = _PageTemplate(cache, page_key, static(), offline=settings.offline,
                         render=render_template)  # fmt: skip
    exports: _Exports | _DetachedExports | None = None
    # Only whoever publishes the exports records them.
    record_exports = functools.partial(_record_exports, cache, exports_key, settings.out)
    try:
        _use_fast_arrow_pool(release_at_once=len(store.data) >= _LARGE_STORE_BYTES)
        from geo.incidents.columns import read_columns  # noqa: PLC0415 - pyarrow, when needed

        columns = read_columns(store)
        del store  # the columns hold the text now
        checked, rows = _checked_rows(columns, static(), strict=settings.strict)
        # A child writes some exports while this process writes the map, then the others;
        # or (``add``) a detached process writes them all while this one writes the map.
        if newest is not None:
            exports = _start_exports(settings, static(), rows, newest, record_exports)
        progress.step("rendering the page")
        template, page_cached = page.template()
        page_bytes = fill_template(template, rows.rows)
        rejected = _write_rejected(settings.out, columns, checked)
        atomic_write_bytes(map_path, page_bytes)
        map_seconds = time.perf_counter() - started
        record = _record_map(cache, map_key, settings.out, page_bytes, rows.rows, checked,
                             columns.name)  # fmt: skip
        # The exports need none of these (the child that writes the KML has its own copy):
        # the page and its rows are about 230 MB at 1,000,000 incidents.
        del page_bytes, rows, columns, checked
        progress.step("writing data exports")
        written = exports.finish(newest, record_exports) if exports and newest else []
    except BaseException:
        page.cancel()
        if exports is not None:
            exports.abandon()
        raise
    finally:
        if newest is not None:
            newest.close()
    progress.done()
    return BuildResult(
        map_path=map_path, map_bytes=record["bytes"], incidents=record["incidents"],
        page_cached=page_cached, exports_written=bool(written), map_seconds=map_seconds,
        total_seconds=time.perf_counter() - started, warnings=record["warnings"],
        problems=record["problems"], rejected=rejected, static=static.loaded,
        written=written or [], exports_enabled=settings.exports,
        exporter_pid=exports.pid if exports else None,
        exports_superseded=written is None,
    )  # fmt: skip


def _use_fast_arrow_pool(*, release_at_once: bool) -> None:
    """Give pyarrow jemalloc (or the system allocator) unless the user chose a pool.

    pyarrow's default, mimalloc, is slow to take memory from the system the first time: at
    100,000 incidents a cold build took 0.5 to 1.4 s longer with it (measured 1 Dec 2026,
    2-core shared machine), and it held about 80 MB more at its peak. With
    ``release_at_once`` jemalloc hands freed pages back at once instead of after a delay:
    at 1,000,000 rows the build's short-lived arrays then add about 300 MB less to its
    peak; at 100,000 it took 0.3 s more system time for 17 MB less (measured 2 Dec 2026).
    """
    if os.environ.get("ARROW_DEFAULT_MEMORY_POOL"):
        return
    import pyarrow as pa  # noqa: PLC0415

    try:
        pool = pa.jemalloc_memory_pool()
    except NotImplementedError:  # a pyarrow built without jemalloc
        pool = pa.system_memory_pool()
    else:
        if release_at_once:
            pa.jemalloc_set_decay_ms(0)
    pa.set_memory_pool(pool)


#: A store this size or larger is read with memory handed back at once (about 400,000 rows).
_LARGE_STORE_BYTES = 128 << 20


@dataclass
class _Mapped:
    """The rows a build maps: their text, typed columns, classification and page rows."""

    table: Any
    parsed: Any
    classes: Any
    rows: IncidentRows


def _checked_rows(
    columns: StoreColumns, static: StaticInputs, *, strict: bool
) -> tuple[Checked, _Mapped]:
    """Check every row, then classify and pack the valid ones."""
    import pyarrow as pa  # noqa: PLC0415

    from geo.incidents.classify import classify  # noqa: PLC0415
    from geo.incidents.rows import incident_rows  # noqa: PLC0415
    from geo.incidents.validate import check  # noqa: PLC0415

    checked = check(columns, today=dt.datetime.now(tz=dt.UTC).date(), admin=static.admin,
                    places=static.places_by_id, strict=strict)  # fmt: skip
    table, parsed = columns.table, checked.parsed
    if checked.bad.any():
        table, parsed = table.filter(pa.array(~checked.bad)), parsed.take(~checked.bad)
    classes = classify(parsed, index=static.corridor_index, places=static.places,
                       admin=static.admin)  # fmt: skip
    not_shown = int(checked.bad.sum()) + len(columns.bad_records)
    rows = incident_rows(table, parsed, classes, not_shown=not_shown)
    return checked, _Mapped(table, parsed, classes, rows)


def _write_rejected(out: Path, columns: StoreColumns, checked: Checked) -> int:
    """Write ``rejected.csv`` (or remove it when every row is mapped); return its rows."""
    from geo.incidents.export import write_rejected  # noqa: PLC0415

    return write_rejected(out / REJECTED_FILENAME, columns.header,
                          _rejected_rows(columns, checked))  # fmt: skip


def _rejected_rows(columns: StoreColumns, checked: Checked) -> Iterator[tuple[int, str, list[str]]]:
    """Yield (line, problems, values) of every row left off the map, in file order."""
    problems: defaultdict[int, list[str]] = defaultdict(list)
    for issue in checked.errors:
        problems[issue.line].append(f"{issue.column}: {issue.message}" if issue.column
                                    else issue.message)  # fmt: skip
    bad_rows = [int(i) for i in checked.bad.nonzero()[0]]
    values = columns.table.select(columns.header).take(bad_rows).to_pylist() if bad_rows else []
    records = [(int(columns.lines[i]), list(v.values())) for i, v in zip(bad_rows, values,
                                                                         strict=True)]  # fmt: skip
    records += [(record.line, record.values) for record in columns.bad_records]
    for line, cells in sorted(records, key=lambda record: record[0]):
        yield line, "; ".join(problems[line]), cells


#: The exports a build's child process writes (with the corridor layers and the KML) while
#: the build writes the map; the build then writes the GeoJSON itself. Measured each as a
#: first call at 1,000,000 rows, 4 Dec 2026: GeoPackage 7.2 s, GeoJSON 6.1 s, CSV 1.7 s,
#: summary 0.6 s; the child starts as the page is packed (5 s at that size), so it can take
#: the CSV too.
_CHILD_EXPORTS = ("idlib.gpkg", "summary.json", "incidents_classified.csv")
_OWN_EXPORTS = ("layers/incidents.geojson",)


class _Exports:
    """The data exports of one build, shared between a forked child and the build itself.

    Each side writes its files to fsynced temporaries (:func:`prepare_exports`); the build
    renames them all into place once both are done, so the exports change together.

    With a ``gate`` (the detached exporter of ``add``) the sides swap: this process writes
    the GeoPackage, the summary and the CSV at once, the child the GeoJSON once ``gate``
    reads end of file, that is once the command has written the map and let go of its end
    (or died): until then the map has the other core to itself. The corridor layers and the
    KML are written only when the exports are sure to be published.
    """

    pid: int | None = None

    def __init__(
        self, settings: BuildSettings, static: StaticInputs, rows: _Mapped, *,
        gate: int | None = None,
    ) -> None:  # fmt: skip
        from geo.incidents.export import classified  # noqa: PLC0415

        self.settings, self.static, self.gate = settings, static, gate
        self.parsed, self.classes = rows.parsed, rows.classes
        self.sub_event_type = rows.table.column("sub_event_type")
        self.kml_rows: IncidentRows | None = rows.rows
        self.columns = classified(rows.table, rows.classes)  # before the fork: both use it
        self.own: dict[str, Path] = {}
        self.job = background.start(
            self._child if gate is None else functools.partial(self._gated, gate)
        )
        if gate is None:
            self.kml_rows = None  # the child writes the KML, from its own copy

    def _prepare(self, names: tuple[str, ...]) -> dict[str, Path]:
        from geo.incidents.export import prepare_exports  # noqa: PLC0415

        return prepare_exports(
            self.settings.out, names, self.columns, self.parsed, self.classes,
            sub_event_type=self.sub_event_type,
            map_layers=_corridor_layers(self.static) if "idlib.gpkg" in names else {},
        )  # fmt: skip

    def _side_files(self) -> dict[str, list[str]]:
        """Write the corridor layers and the KML (each atomically); return their names."""
        from geo.export import write_corridor_layers  # noqa: PLC0415

        out = self.settings.out
        layers = write_corridor_layers(self.static, out)
        kml = _kml_export(self.settings, self.static, self.kml_rows)
        return {"layers": [path.relative_to(out).as_posix() for path in layers],
                "kml": [path.relative_to(out).as_posix() for path in kml]}  # fmt: skip

    def _child(self) -> dict[str, Any]:
        side = self._side_files()  # first: if they fail, no temporary is left to the parent
        temps = self._prepare(_CHILD_EXPORTS)
        return {**side, "temps": {name: str(path) for name, path in temps.items()}}

    def _gated(self, gate: int) -> dict[str, Any]:
        while os.read(gate, 4096):  # end of file: the map is written
            pass
        temps = self._prepare(_OWN_EXPORTS)
        return {"temps": {name: str(path) for name, path in temps.items()}}

    def finish(
        self, newest: generation.Generation, record: Callable[[list[Path]], None]
    ) -> list[Path] | None:
        """Write this side's exports, wait for the child's, publish all; return the paths.

        They are published (and ``record`` called with them) only if ``newest`` is still
        the newest generation; else they are discarded and None is returned.
        """
        self.own = self._prepare(_OWN_EXPORTS if self.gate is None else _CHILD_EXPORTS)
        done = self.job.wait()
        self.own |= {name: Path(path) for name, path in done["temps"].items()}
        written = generation.publish_if_newest(newest, lambda: self._publish(done, record))
        self.abandon()  # what is left was not published (a newer generation was started)
        return written

    def _publish(self, done: dict[str, Any], record: Callable[[list[Path]], None]) -> list[Path]:
        from geo.incidents.export import publish_exports  # noqa: PLC0415

        out = self.settings.out
        side = done if "layers" in done else self._side_files()
        published = publish_exports(out, self.own)
        self.own = {}
        written = ([out / name for name in side["layers"]] + published
                   + [out / name for name in side["kml"]])  # fmt: skip
        record(written)
        return written

    def abandon(self) -> None:
        """After an error: let the child end, and remove every unpublished temporary."""
        from geo.incidents.export import discard_exports  # noqa: PLC0415

        discard_exports(self.own)
        self.own = {}
        try:
            done = self.job.wait()  # its result again when it was waited for already
        except background.BackgroundJobError:
            return  # the child removed its own temporaries
        if done is not None:
            discard_exports({name: Path(path) for name, path in done["temps"].items()})


class _DetachedExports:
    """The exports of ``add``, written by a detached process; this side opens its gate."""

    def __init__(self, pid: int | None, gate: int) -> None:
        self.pid, self.gate = pid, gate

    def finish(self, newest: generation.Generation, record: object) -> list[Path]:
        """Let the detached process go on to its second part: the map is written."""
        del newest, record  # the detached process holds its generation and records
        self.abandon()
        return []

    def abandon(self) -> None:
        """Let go of the gate (the detached process then finishes, or finds itself stale)."""
        if self.gate >= 0:
            os.close(self.gate)
            self.gate = -1


def _start_exports(
    settings: BuildSettings, static: StaticInputs, rows: _Mapped,
    newest: generation.Generation, record: Callable[[list[Path]], None],
) -> _Exports | _DetachedExports:  # fmt: skip
    """Start writing the exports: here and in a child, or (``detach_exports``) detached."""
    if not settings.detach_exports or not hasattr(os, "fork"):
        return _Exports(settings, static, rows)
    gate, opened = os.pipe()

    def export() -> None:
        os.close(opened)  # only the command's copy keeps the gate shut
        exports = _Exports(settings, static, rows, gate=gate)
        try:
            exports.finish(newest, record)
        except BaseException:
            exports.abandon()
            raise

    try:
        pid = generation.detach(export, error_log=newest.folder / generation.ERROR_NAME)
    finally:
        os.close(gate)
    return _DetachedExports(pid, opened)


def _kml_export(
    settings: BuildSettings, static: StaticInputs, rows: IncidentRows | None
) -> list[Path]:
    """Write ``idlib.kml`` when the settings ask for it (``--kml``); return what was written."""
    if not settings.kml:
        return []
    if rows is None:
        raise RuntimeError("the KML is written where the page rows are kept")
    from geo.kml import write_kml  # noqa: PLC0415

    return [write_kml(settings.out, _corridor_layers(static), rows)]


def _corridor_layers(static: StaticInputs) -> dict[str, dict[str, Any]]:
    from geo.export import corridor_layers  # noqa: PLC0415

    return corridor_layers(static)


class _StaticLoader:
    """Load the static inputs on first call (or take this process's last ones, same key)."""

    def __init__(self, settings: BuildSettings, key: str, progress: Progress) -> None:
        self.settings, self.key, self.progress = settings, key, progress
        self.loaded: StaticInputs | None = None

    def __call__(self) -> StaticInputs:
        """Return the static inputs."""
        if self.loaded is None:
            self.progress.note("loading places, road, corridor")
            from geo.project import load_static  # noqa: PLC0415 - shapely, pyproj, when needed

            remembered = _STATIC.get(self.key)  # same files, same content: same inputs
            self.loaded = remembered or load_static(
                data_dir=self.settings.data_dir, road_path=self.settings.road,
                layers=self.settings.layers,
            )  # fmt: skip
            _STATIC.clear()
            _STATIC[self.key] = self.loaded
        return self.loaded


class _PageTemplate:
    """The page template: from the cache, or rendered by a child started at once and cached."""

    def __init__(
        self, cache: BuildCache, key: str, static: StaticInputs, *, offline: bool,
        render: TemplateRenderer,
    ) -> None:  # fmt: skip
        self.cache, self.key = cache, key
        cached = cache.read("page", key=key)
        self.cached = None if cached is None else cached.decode("utf-8")
        self.job = None
        if self.cached is None:
            self.job = background.start(lambda: render(static, offline=offline))

    def template(self) -> tuple[str, bool]:
        """Return the template and whether it came from the cache (caching a new one)."""
        if self.job is None:
            return str(self.cached), True
        template = self.job.wait()
        self.cache.write("page", template.encode("utf-8"), key=self.key)
        return template, False

    def cancel(self) -> None:
        """Stop the rendering child, if any (the build failed)."""
        if self.job is not None:
            self.job.cancel()


def _unchanged(map_path: Path, record: dict[str, Any], seconds: float) -> BuildResult:
    """Return the result of a build that found nothing to do."""
    return BuildResult(
        map_path=map_path, map_bytes=record["bytes"], incidents=record["incidents"],
        page_cached=True, exports_written=False, map_seconds=seconds, total_seconds=seconds,
        warnings=record["warnings"], problems=record["problems"], rejected=record["rejected"],
        unchanged=True,
    )  # fmt: skip


def _record_map(
    cache: BuildCache, key: str, out: Path, page: bytes, rows: IncidentRows, checked: Checked,
    name: str,
) -> dict[str, Any]:  # fmt: skip
    """Record the map just written (and rejected.csv), so an unchanged rebuild leaves them."""
    record = {
        "stamp": list(stamp(out / MAP_FILENAME)),
        "rejected_stamp": list(stamp(out / REJECTED_FILENAME)),
        "incidents": len(rows), "bytes": len(page), "rejected": rows.not_shown,
        "warnings": [warning.describe(name) for warning in checked.warnings],
        "problems": [problem.describe(name) for problem in checked.errors],
    }  # fmt: skip
    cache.write("map", json.dumps(record).encode("utf-8"), key=key)
    return record


def _map_current(cache: BuildCache, key: str, out: Path) -> dict[str, Any] | None:
    """Return the record of the map on disk if it was built for ``key`` and not touched."""
    payload = cache.read("map", key=key)
    if payload is None:
        return None
    try:
        record: dict[str, Any] = json.loads(payload)
        current = record["stamp"] == list(stamp(out / MAP_FILENAME)) and record[
            "rejected_stamp"] == list(stamp(out / REJECTED_FILENAME))  # fmt: skip
        valid = isinstance(record["incidents"], int) and isinstance(record["warnings"], list)
        valid = valid and isinstance(record["problems"], list)
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


def _exports_waited(cache: BuildCache, key: str, out: Path) -> bool:
    """Whether the exports are current for ``key``, once any writer of them has ended."""
    if _exports_current(cache, key, out):
        return True
    # Another process writing this store's exports is waited for: they may be current then.
    return generation.wait_for(cache.directory, key) and _exports_current(cache, key, out)


def _record_exports(cache: BuildCache, key: str, out: Path, paths: list[Path]) -> None:
    stamps = {path.relative_to(out).as_posix(): list(stamp(path)) for path in paths}
    cache.write("exports", json.dumps(stamps, sort_keys=True).encode("utf-8"), key=key)
