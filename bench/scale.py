"""The map at scale: the project's build against stock folium, in build time and in the browser.

Run: ``python bench/scale.py [--sizes 1000,10000,100000] [--million] [--timeout 90]``.

For each size a synthetic store (``bench/synthetic.py``) is built twice, each in a fresh
process under ``/usr/bin/time -v`` (wall seconds, peak RSS): by ``build_map.py`` and by a
stock folium page (one ``Marker`` with a ``Popup`` per incident in a ``MarkerCluster``).
Both pages then open in headless Chromium with the network blocked; the "first complete
frame" is ``performance.now()`` two animation frames after the first ``.leaflet-marker-icon``
exists. The project page is also timed zooming, panning and filtering, and the largest size
is rebuilt after ``build_map.py add``. Results go to ``bench/results.json``.

Targets (issue 16, at 100,000 incidents): a cold build (empty cache), whole process with
the exports, ≤ 1.5 s and ≥ 20× stock folium MarkerCluster on the same data, the map alone
≤ 1.0 s; adding one incident and rebuilding in a new process ≤ 0.5 s to the new map; the
page ≤ 6 MB with a first frame ≤ 1 s; 1,000,000 incidents cold in ≤ 15 s and ≤ 1 GB peak
RSS. Every ratio compares runs of the same invocation; the machine's load average before
and after the runs is recorded with the results (the machine may be shared).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import html
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from report import BENCH_DIR, machine

if TYPE_CHECKING:
    from collections.abc import Callable

    from playwright.sync_api import BrowserType, CDPSession, Page, Route, ViewportSize

# The stock folium page is built by this script in a child process, timed from the outside:
# so that it pays for no project module, numpy, shapely and playwright are imported lazily.

ROOT = Path(__file__).resolve().parents[1]
RESULTS_PATH = BENCH_DIR / "results.json"
DEFAULT_SIZES = (1_000, 10_000, 100_000)
MILLION = 1_000_000
MILLION_TIMEOUT_S = 240.0
TARGET_N = 100_000
#: A build that takes longer than this is stopped and recorded as an error, in seconds.
BUILD_TIMEOUT_S = 1_800
#: Up to this many incidents each page is loaded 3 times, above it twice (best run kept).
SMALL_N = 10_000
TIME_BIN = "/usr/bin/time"
CHROMIUM_PATHS = (Path("/usr/lib/chromium/chromium"), Path("/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
VIEWPORT: ViewportSize = {"width": 1280, "height": 800}
#: CDN files of the stock folium page served from the project's npm copies, by file name
#: (folium 0.20 links leaflet.markercluster 1.1.0 from cdnjs; the local copy is 1.5.3).
SERVED_FILES = (
    "leaflet.js",
    "leaflet.css",
    "leaflet.markercluster.js",
    "MarkerCluster.css",
    "MarkerCluster.Default.css",
)
#: folium's popups are built with jQuery (``$(`<div …>`)[0]``) when the page loads, so the
#: stock page needs it too: Debian's copy (libjs-jquery) if installed, else a stand-in that
#: does just that (parse HTML into elements).
JQUERY_PATH = Path("/usr/share/javascript/jquery/jquery.min.js")
JQUERY_STAND_IN = """
window.jQuery = window.$ = function (markup) {
  var holder = document.createElement("template");
  holder.innerHTML = markup;
  return Array.prototype.slice.call(holder.content.children);
};
"""
#: Kept of a command's stdout/stderr in the results, in characters (head and tail).
OUTPUT_KEEP_CHARS = 2_000
MB = 1e6
#: Issue targets: (label, results key at TARGET_N, limit, True when the value must be ≤).
TARGETS = (
    ("cold build, whole process with exports ≤ 1.5 s", "project_build_s", 1.5, True),
    ("cold build ≥ 20× stock folium MarkerCluster", "build_ratio", 20.0, False),
    ("the map alone (--no-exports, cold) ≤ 1.0 s", "project_map_only_s", 1.0, True),
    ("page ≤ 6 MB", "project_html_mb", 6.0, True),
    ("first frame ≤ 1 s", "project_first_frame_s", 1.0, True),
)
MILLION_RSS_TARGET_MB = 1_000.0
MILLION_BUILD_TARGET_S = 15.0
REBUILD_TARGET_S = 0.5

#: Runs before any page script: records performance.now() two frames after the first marker.
FIRST_FRAME_JS = """
(() => {
  const after = (n, done) => n ? requestAnimationFrame(() => after(n - 1, done)) : done();
  const poll = () => {
    if (document.querySelector(".leaflet-marker-icon")) {
      after(2, () => { window.__benchFirstFrameMs = performance.now(); });
    } else {
      requestAnimationFrame(poll);
    }
  };
  requestAnimationFrame(poll);
})();
"""
#: Helpers for the interaction probes: n animation frames; a promise that fails after ms.
_PROBE_HELPERS = """
  const frames = (n) => new Promise((done) => {
    const step = (k) => k ? requestAnimationFrame(() => step(k - 1)) : done();
    step(n);
  });
  const limit = (ms, what) => new Promise((_, fail) =>
    setTimeout(() => fail(new Error(what + " did not finish in " + ms + " ms")), ms));
  const map = window.IdlibMap.map;
"""
ZOOM_JS = f"""async (limitMs) => {{{_PROBE_HELPERS}
  const start = performance.now();
  const ended = Promise.all([
    new Promise((done) => map.once("zoomend", done)),
    new Promise((done) => map.once("moveend", done)),
  ]);
  map.setZoom(map.getZoom() + 2);
  await Promise.race([ended, limit(limitMs, "zoom")]);
  await frames(2);
  return performance.now() - start;
}}"""
PAN_JS = f"""async (limitMs) => {{{_PROBE_HELPERS}
  const start = performance.now();
  const ended = new Promise((done) => map.once("moveend", done));
  map.panBy([300, 200], {{ animate: false }});
  await Promise.race([ended, limit(limitMs, "pan")]);
  await frames(2);
  return performance.now() - start;
}}"""
FILTER_JS = f"""async (limitMs) => {{{_PROBE_HELPERS}
  const data = window.IdlibMap.incidentData;
  const types = data.state.types.map((_, i) => i !== 0);
  const start = performance.now();
  data.setFilter({{ types: types }});
  await Promise.race([frames(2), limit(limitMs, "filter")]);
  return performance.now() - start;
}}"""


def main() -> None:
    """Parse the command line, then measure and report (or build one stock folium page)."""
    args = _parser().parse_args()
    if args.baseline_page:
        store, out = args.baseline_page
        baseline_page(Path(store), Path(out))
        return
    from layers.offline import ASSET_DIR  # noqa: PLC0415  (see the note on imports)

    sizes = [int(part) for part in args.sizes.split(",") if part.strip()]
    if not (ASSET_DIR / "npm").is_dir():
        subprocess.run([sys.executable, "scripts/fetch_assets.py"], cwd=ROOT, check=True)
    results: dict[str, Any] = {
        "machine": machine(),
        "load_average_before": os.getloadavg(),
        "date": dt.datetime.now(tz=dt.UTC).isoformat(timespec="seconds"),
        "sizes": sizes,
        "timeout_s": args.timeout,
        "chromium": str(_chromium()),
        "served_files": {name: str(path) for name, path in _served_files().items()},
        "runs": {},
    }
    from playwright.sync_api import sync_playwright  # noqa: PLC0415

    with sync_playwright() as pw, tempfile.TemporaryDirectory(prefix="scale-") as tmp:
        bench = _Bench(pw.chromium, Path(tmp), timeout_s=args.timeout)
        results["help"] = _timed([sys.executable, "build_map.py", "--help"])
        results["empty"] = bench.empty_builds()
        for size in sizes:
            print(f"N = {size:,} …", flush=True)
            results["runs"][str(size)] = bench.measure(
                size, baseline=True, rebuild=size == max(sizes), empty=results["empty"]
            )
            _save(results)
        if args.million:
            print(f"N = {MILLION:,} (project only) …", flush=True)
            million = _Bench(pw.chromium, Path(tmp), timeout_s=MILLION_TIMEOUT_S)
            results["runs"][str(MILLION)] = million.measure(
                MILLION, baseline=False, rebuild=False, empty=results["empty"]
            )
    results["load_average_after"] = os.getloadavg()
    results["targets"] = _targets(results)
    _save(results)
    _print_table(results)
    print(f"\nwrote {RESULTS_PATH}")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        default=",".join(str(n) for n in DEFAULT_SIZES),
        help="comma-separated incident counts",
    )
    parser.add_argument(
        "--million", action="store_true", help="also build 1,000,000 (project only)"
    )
    parser.add_argument(
        "--timeout", type=float, default=90.0, help="time limit of one page load, in seconds"
    )
    # Internal: build the stock folium page in this (fresh) process.
    parser.add_argument(
        "--baseline-page", nargs=2, metavar=("STORE", "HTML"), help=argparse.SUPPRESS
    )
    return parser


def baseline_page(store: Path, out: Path) -> None:
    """Write the stock folium page for ``store``: one popup marker per incident, clustered.

    Prints ``{"construct_save_s": …}`` (map construction and ``save``, CSV read excluded).
    """
    import folium  # noqa: PLC0415  (imported in the child process only)
    from folium.plugins import MarkerCluster  # noqa: PLC0415

    with store.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    start = time.perf_counter()
    fmap = folium.Map(location=[35.8, 36.6], zoom_start=9)
    cluster = MarkerCluster().add_to(fmap)  # type: ignore[no-untyped-call]
    for row in rows:
        folium.Marker(
            location=[float(row["latitude"]), float(row["longitude"])],
            popup=folium.Popup(_summary(row), max_width=320),
        ).add_to(cluster)
    if rows:
        lats = [float(row["latitude"]) for row in rows]
        lons = [float(row["longitude"]) for row in rows]
        fmap.fit_bounds([[min(lats), min(lons)], [max(lats), max(lons)]])
    fmap.save(str(out))
    print(json.dumps({"construct_save_s": round(time.perf_counter() - start, 3)}))


def _summary(row: dict[str, str]) -> str:
    """Popup HTML of one incident, every value escaped."""
    esc = html.escape
    lines = [
        f"<b>{esc(row['event_date'])}</b> {esc(row['sub_event_type'])}",
        f"{esc(row['location'])} ({esc(row['admin2'])})",
        f"killed {esc(row['fatalities'] or '?')}, injured {esc(row['injured'] or '?')}",
        f"source: {esc(row['source'])}",
    ]
    if row["notes"]:
        lines.append(esc(row["notes"]))
    return "<br>".join(lines)


class _Bench:
    """Builds and browser runs for one time limit, in a scratch folder."""

    def __init__(self, chromium: BrowserType, tmp: Path, *, timeout_s: float) -> None:
        self.chromium = chromium
        self.tmp = tmp
        self.timeout_s = timeout_s
        self.served = _served_files()

    def empty_builds(self) -> dict[str, Any]:
        """Build both pages with no incidents: the fixed part of each HTML."""
        from synthetic import write_synthetic_store  # noqa: PLC0415

        out: dict[str, Any] = {}
        store = self.tmp / "store_0.csv"
        write_synthetic_store(store, 0)
        out["project"] = _guard(lambda: _project_build(store, self.tmp / "out_0"))
        out["baseline"] = _guard(lambda: _baseline_build(store, self.tmp / "baseline_0.html"))
        return out

    def measure(
        self, size: int, *, baseline: bool, rebuild: bool, empty: dict[str, Any]
    ) -> dict[str, Any]:
        """Write a store of ``size`` incidents; build, load and time both pages."""
        from synthetic import write_synthetic_store  # noqa: PLC0415

        run: dict[str, Any] = {"n": size}
        store, outdir = self.tmp / f"store_{size}.csv", self.tmp / f"out_{size}"
        start = time.perf_counter()
        write_synthetic_store(store, size)
        run["synthetic_write_s"] = round(time.perf_counter() - start, 3)
        run["store_mb"] = round(store.stat().st_size / MB, 2)
        run["project_map_only"] = _guard(
            lambda: _project_build(store, self.tmp / f"map_only_{size}", "--no-exports")
        )
        shutil.rmtree(self.tmp / f"map_only_{size}", ignore_errors=True)
        run["project"] = project = _guard(lambda: _project_build(store, outdir))
        if "html_bytes" in project:
            page = outdir / "idlib_map.html"
            project["browser"] = self._browser(page, size, probes=True)
            project["bytes_per_incident"] = _per_incident(project, empty.get("project", {}), size)
        if rebuild:
            run["rebuild_after_add"] = _guard(lambda: _rebuild_after_add(store, outdir))
        if baseline:
            page = self.tmp / f"baseline_{size}.html"
            run["baseline"] = base = _guard(lambda: _baseline_build(store, page))
            if "html_bytes" in base:
                base["browser"] = self._browser(page, size, probes=False)
                base["bytes_per_incident"] = _per_incident(base, empty.get("baseline", {}), size)
        _ratios(run)
        store.unlink(missing_ok=True)
        (self.tmp / f"baseline_{size}.html").unlink(missing_ok=True)
        shutil.rmtree(outdir, ignore_errors=True)
        return run

    def _browser(self, page: Path, size: int, *, probes: bool) -> dict[str, Any]:
        """Load ``page`` 3 (small) or 2 times, each in a fresh browser; keep the best."""
        planned = 3 if size <= SMALL_N else 2
        runs: list[dict[str, Any]] = []
        spent_s = 0.0
        for i in range(planned):
            if i and spent_s > self.timeout_s:  # time does not allow another run
                break
            start = time.perf_counter()
            runs.append(_guard(lambda: self._load(page, probes=probes and not runs)))
            spent_s += time.perf_counter() - start
            if runs[-1].get("timed_out") or "error" in runs[-1]:
                break
        done = [r for r in runs if r.get("first_frame_ms") is not None]
        best = min(done, key=lambda r: r["first_frame_ms"]) if done else {}
        out: dict[str, Any] = {"runs": runs}
        out["first_frame_s"] = round(best["first_frame_ms"] / 1000, 3) if best else None
        out["heap_mb"] = best.get("heap_mb")
        out["probes"] = next((r["probes"] for r in runs if "probes" in r), None)
        if not best:
            out["note"] = "timed out" if any(r.get("timed_out") for r in runs) else "failed"
        return out

    def _load(self, page_path: Path, *, probes: bool) -> dict[str, Any]:
        """Open ``page_path`` once: first complete frame, JS heap, and optionally the probes."""
        from playwright.sync_api import TimeoutError as PlaywrightTimeoutError  # noqa: PLC0415

        limit_ms = self.timeout_s * 1000
        requests: Counter[str] = Counter()
        browser = self.chromium.launch(
            executable_path=str(_chromium()), headless=True, args=CHROMIUM_ARGS
        )
        try:
            context = browser.new_context(viewport=VIEWPORT)
            page = context.new_page()
            page.route("**/*", lambda route: _route(route, self.served, requests))
            page.add_init_script(FIRST_FRAME_JS)
            start = time.perf_counter()
            out: dict[str, Any] = {}
            try:
                page.goto(page_path.resolve().as_uri(), wait_until="commit", timeout=limit_ms)
                left_ms = max(1.0, limit_ms - (time.perf_counter() - start) * 1000)
                page.wait_for_function(
                    "() => window.__benchFirstFrameMs !== undefined", timeout=left_ms, polling=50
                )
            except PlaywrightTimeoutError:
                return {"first_frame_ms": None, "timed_out": True, "note": "timed out"}
            out["first_frame_ms"] = round(page.evaluate("window.__benchFirstFrameMs"), 1)
            out["heap_mb"] = _heap_mb(context.new_cdp_session(page))
            if probes:
                out["probes"] = _probes(page, limit_ms)
            out["requests"] = dict(requests)
            return out
        finally:
            browser.close()


def _guard(phase: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """Run one phase; on any failure return ``{"error": …}`` so the other phases still run."""
    try:
        result = phase()
    except Exception as exc:  # noqa: BLE001  (a benchmark records every failure and goes on)
        return {"error": f"{type(exc).__name__}: {exc}"[:OUTPUT_KEEP_CHARS]}
    return result


def _timed(command: list[str], *, timeout_s: float = BUILD_TIMEOUT_S) -> dict[str, Any]:
    """Run ``command`` from the repository root under ``/usr/bin/time -v``.

    Returns wall seconds, peak RSS in MB, the exit status and the output's head and tail.
    """
    with tempfile.NamedTemporaryFile("r", suffix=".time", encoding="utf-8") as report:
        start = time.perf_counter()
        # A session of its own, so a build that overruns is stopped with all its children.
        with subprocess.Popen(
            [TIME_BIN, "-v", "-o", report.name, *command],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        ) as child:
            try:
                stdout, stderr = child.communicate(timeout=timeout_s)
            except subprocess.TimeoutExpired:
                os.killpg(child.pid, signal.SIGKILL)
                child.communicate()
                raise
        wall_s = time.perf_counter() - start
        stats = report.read()
    rss_kb = next(
        (
            int(line.rsplit(":", 1)[1])
            for line in stats.splitlines()
            if "Maximum resident set size" in line
        ),
        None,
    )
    out: dict[str, Any] = {
        "wall_s": round(wall_s, 3),
        "peak_rss_mb": round(rss_kb * 1024 / MB, 1) if rss_kb is not None else None,
        "returncode": child.returncode,
        "stdout": _keep(stdout),
        "stderr": _keep(stderr),
    }
    if child.returncode:
        out["error"] = f"exit status {child.returncode}: {_keep(stderr or stdout)}"
    return out


def _keep(text: str) -> str:
    """Return the head and tail of a long output (warnings may run to thousands of lines)."""
    if len(text) <= 2 * OUTPUT_KEEP_CHARS:
        return text
    lines = text.count("\n")
    return f"{text[:OUTPUT_KEEP_CHARS]}\n… ({lines} lines) …\n{text[-OUTPUT_KEEP_CHARS:]}"


def _project_build(store: Path, outdir: Path, *options: str) -> dict[str, Any]:
    """Build the project's map of ``store`` with ``build_map.py`` in a fresh process.

    Besides the process's wall time, records the build's own "map in X s" (from the start
    of the build to the map written: what ``--watch`` pays per rebuild, without the start of
    Python and the imports) and whether the exports were written.
    """
    launched_ns = time.time_ns()
    run = _timed(
        [sys.executable, "build_map.py", "--incidents", str(store), "--out", str(outdir), *options]
    )
    _html_size(run, outdir / "idlib_map.html")
    page = outdir / "idlib_map.html"
    written_ns = page.stat().st_mtime_ns if page.is_file() else 0
    # From the launch of the process to the map on disk (the exports may still be writing).
    run["to_map_s"] = (
        round((written_ns - launched_ns) / 1e9, 3) if written_ns > launched_ns else None
    )
    built = next((line for line in run["stdout"].splitlines() if line.startswith("Built ")), "")
    found = re.search(r"map in ([0-9.]+) s|left as they were \(([0-9.]+) s\)", built)
    run["map_s"] = float(found.group(1) or found.group(2)) if found else None
    run["built_line"] = built
    return run


def _baseline_build(store: Path, page: Path) -> dict[str, Any]:
    """Build the stock folium page of ``store`` in a fresh process."""
    run = _timed([sys.executable, str(Path(__file__).resolve()), "--baseline-page", str(store), str(page)])  # fmt: skip
    if not run.get("error"):
        lines = run["stdout"].strip().splitlines()
        run["construct_save_s"] = json.loads(lines[-1])["construct_save_s"] if lines else None
    _html_size(run, page)
    return run


def _html_size(run: dict[str, Any], page: Path) -> None:
    run["build_s"] = run["wall_s"]
    if not run.get("error") and page.is_file():
        run["html_bytes"] = page.stat().st_size
        run["html_mb"] = round(run["html_bytes"] / MB, 2)


def _rebuild_after_add(store: Path, outdir: Path) -> dict[str, Any]:
    """Add one incident (no rebuild), rebuild, then rebuild again with nothing changed.

    The first rebuild reads, checks and classifies the whole store again (the page template
    comes from the cache); it is timed as a process, to the new map on disk and by the build
    itself ("map in X s").
    """
    add = _timed(
        [
            sys.executable, "build_map.py", "add", "--incidents", str(store), "--out", str(outdir),
            "--date", "2020-10-01", "--place", "Ariha", "--type", "shelling", "--source", "bench",
            "--force", "--no-build",
        ]
    )  # fmt: skip
    rebuild = _project_build(store, outdir)
    again = _project_build(store, outdir)
    watch = _watch_rebuild(store, outdir)
    return {
        "watch_rebuild_map_s": watch.get("map_s"),
        "watch_line": watch.get("line"),
        "watch_error": watch.get("error"),
        "add_s": add["wall_s"],
        "add_error": add.get("error"),
        "rebuild_s": rebuild["wall_s"],
        "rebuild_map_s": rebuild["map_s"],
        "rebuild_to_map_s": rebuild.get("to_map_s"),
        "rebuild_line": rebuild["built_line"],
        "rebuild_peak_rss_mb": rebuild["peak_rss_mb"],
        "rebuild_error": rebuild.get("error"),
        "no_change_rebuild_s": again["wall_s"],
        "no_change_rebuild_map_s": again["map_s"],
        "no_change_rebuild_error": again.get("error"),
    }


def _watch_rebuild(store: Path, outdir: Path) -> dict[str, Any]:
    """Run ``build_map.py --watch``, add one incident from another process, time the rebuild.

    The "map in X s" of the second rebuild line is what an analyst waits for in --watch:
    from the store's change being noticed to the new map written.
    """
    command = [sys.executable, "build_map.py", "--incidents", str(store), "--out", str(outdir),
               "--watch", "--max-runs", "2"]  # fmt: skip
    with subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True) as watcher:
        if watcher.stdout is None:
            msg = "no output from --watch"
            raise RuntimeError(msg)
        lines = [watcher.stdout.readline(), watcher.stdout.readline()]  # banner, first build
        add = _timed([sys.executable, "build_map.py", "add", "--incidents", str(store),
                      "--date", "2020-10-02", "--place", "Ariha", "--type", "shelling",
                      "--source", "bench", "--force", "--no-build"])  # fmt: skip
        line = ""
        while watcher.poll() is None or line == "":
            line = watcher.stdout.readline()
            if " rebuilt " in line or "not rebuilt" in line or not line:
                break
        watcher.communicate(timeout=BUILD_TIMEOUT_S)  # drain what follows, let it end
    found = re.search(r"map in ([0-9.]+) s", line)
    return {"map_s": float(found.group(1)) if found else None, "line": line.strip(),
            "first": lines[1].strip(), "error": add.get("error")}  # fmt: skip


def _per_incident(run: dict[str, Any], empty: dict[str, Any], size: int) -> float | None:
    """HTML bytes per incident above the page built with no incidents."""
    if "html_bytes" not in empty or not size:
        return None
    extra_bytes: int = run["html_bytes"] - empty["html_bytes"]
    return round(extra_bytes / size, 1)


def _ratios(run: dict[str, Any]) -> None:
    """Stock folium over project: how many times faster the project builds and draws."""
    project, base = run.get("project", {}), run.get("baseline", {})
    run["build_ratio"] = _ratio(base.get("build_s"), project.get("build_s"))
    run["draw_ratio"] = _ratio(
        base.get("browser", {}).get("first_frame_s"),
        project.get("browser", {}).get("first_frame_s"),
    )


def _ratio(slow: float | None, fast: float | None) -> float | None:
    return round(slow / fast, 1) if slow is not None and fast else None


def _served_files() -> dict[str, Path]:
    """Local copies of the CDN files the stock page needs, by file name."""
    from layers.offline import ASSET_DIR, load_manifest  # noqa: PLC0415

    manifest = load_manifest()
    served = {}
    for url in manifest.urls:
        name = urlsplit(url).path.rsplit("/", 1)[-1]
        if name in SERVED_FILES:
            served[name] = manifest.local_path(url, asset_dir=ASSET_DIR)
    if JQUERY_PATH.is_file():
        served["jquery.js"] = JQUERY_PATH
    return served


def _served_name(url: str) -> str:
    """Return the file name a CDN URL is served by: its last segment; any jQuery build is one."""
    name = urlsplit(url).path.rsplit("/", 1)[-1]
    return "jquery.js" if name.startswith("jquery") and name.endswith(".js") else name


def _route(route: Route, served: dict[str, Path], requests: Counter[str]) -> None:
    """Let file:// through, serve the known CDN files locally, abort everything else."""
    url = route.request.url
    if url.startswith("file://"):
        requests["file"] += 1
        route.continue_()
        return
    name = _served_name(url)
    local = served.get(name)
    if local is not None:
        requests["served"] += 1
        route.fulfill(path=local)
        return
    if name == "jquery.js":
        requests["jquery stand-in"] += 1
        route.fulfill(body=JQUERY_STAND_IN, content_type="text/javascript")
        return
    requests["aborted"] += 1
    route.abort()


def _chromium() -> Path:
    return next((path for path in CHROMIUM_PATHS if path.is_file()), CHROMIUM_PATHS[-1])


def _heap_mb(cdp: CDPSession) -> float | None:
    """JSHeapUsedSize of the page, in MB."""
    cdp.send("Performance.enable")
    metrics = cdp.send("Performance.getMetrics")["metrics"]
    used = next((float(m["value"]) for m in metrics if m["name"] == "JSHeapUsedSize"), None)
    return round(used / MB, 1) if used is not None else None


def _probes(page: Page, limit_ms: float) -> dict[str, Any]:
    """Time a zoom-in by 2, a pan and a type filter on the project page, in ms."""
    out: dict[str, Any] = {}
    for name, script in (("zoom_ms", ZOOM_JS), ("pan_ms", PAN_JS), ("filter_ms", FILTER_JS)):
        try:
            out[name] = round(page.evaluate(script, limit_ms), 1)
        except Exception as exc:  # noqa: BLE001  (an absent API leaves the field null)
            out[name] = None
            out[name.replace("_ms", "_error")] = str(exc).splitlines()[0][:300]
    return out


def _targets(results: dict[str, Any]) -> dict[str, Any]:
    """Whether the issue's targets are met (None: not measured)."""
    out: dict[str, Any] = {}
    row = _row(results["runs"].get(str(TARGET_N), {}))
    for label, key, limit, at_most in TARGETS:
        value = row.get(key)
        out[label] = _verdict(value, value is not None and (
            value <= limit if at_most else value >= limit))  # fmt: skip
    rebuild = results["runs"].get(str(TARGET_N), {}).get("rebuild_after_add", {})
    for label, key in (
        ("rebuild after adding one incident ≤ 0.5 s (--watch, map written)",
         "watch_rebuild_map_s"),
        ("add one to 100,000 and rebuild, new process: ≤ 0.5 s to the new map",
         "rebuild_to_map_s"),
        ("rebuild after adding one incident ≤ 0.5 s (whole process, exports included)",
         "rebuild_s"),
    ):  # fmt: skip
        value = rebuild.get(key)
        out[label] = _verdict(value, value is not None and value <= REBUILD_TARGET_S)
    million = results["runs"].get(str(MILLION), {}).get("project", {})
    rss, build_s = million.get("peak_rss_mb"), million.get("build_s")
    label = f"1,000,000 incidents: cold build ≤ {MILLION_BUILD_TARGET_S:.0f} s"
    out[label] = _verdict(build_s, build_s is not None and build_s <= MILLION_BUILD_TARGET_S)
    label = f"1,000,000 incidents: peak RSS ≤ {MILLION_RSS_TARGET_MB:,.0f} MB"
    out[label] = _verdict(rss, rss is not None and rss <= MILLION_RSS_TARGET_MB)
    return out


def _verdict(value: float | None, met: bool) -> dict[str, Any]:  # noqa: FBT001
    return {"value": value, "met": None if value is None else met}


def _row(run: dict[str, Any]) -> dict[str, Any]:
    """Return the table's numbers for one size."""
    project, base = run.get("project", {}), run.get("baseline", {})
    p_browser, b_browser = project.get("browser", {}), base.get("browser", {})
    return {
        "project_build_s": project.get("build_s"),
        "project_map_only_s": run.get("project_map_only", {}).get("build_s"),
        "baseline_build_s": base.get("build_s"),
        "build_ratio": run.get("build_ratio"),
        "project_html_mb": project.get("html_mb"),
        "baseline_html_mb": base.get("html_mb"),
        "project_first_frame_s": p_browser.get("first_frame_s"),
        "baseline_first_frame_s": b_browser.get("first_frame_s"),
        "draw_ratio": run.get("draw_ratio"),
        "heap_mb": (p_browser.get("heap_mb"), b_browser.get("heap_mb")),
        "peak_rss_mb": (project.get("peak_rss_mb"), base.get("peak_rss_mb")),
        "bytes_per_incident": project.get("bytes_per_incident"),
    }


def _cell(value: object) -> str:
    if value is None:
        return "–"
    if isinstance(value, tuple):
        return " / ".join(_cell(v) for v in value)
    if isinstance(value, float):
        return f"{value:,.2f}" if value < 100 else f"{value:,.0f}"  # noqa: PLR2004
    return f"{value:,}" if isinstance(value, int) else str(value)


def _print_table(results: dict[str, Any]) -> None:
    """Print the side-by-side table, the probes, the rebuild timings and the targets."""
    header = ("N", "project build s", "map only s", "baseline build s", "build ×", "project HTML MB",
              "baseline HTML MB", "project frame s", "baseline frame s", "draw ×",
              "heap MB p / b", "peak RSS MB p / b", "B/incident")  # fmt: skip
    rows: list[tuple[str, ...]] = [header]
    for size, run in results["runs"].items():
        cells = [
            f"{value:.1f}×" if key.endswith("ratio") and value is not None else _cell(value)
            for key, value in _row(run).items()
        ]
        rows.append((_cell(int(size)), *cells))
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    print()
    for row in rows:
        print(" | ".join(cell.rjust(width) for cell, width in zip(row, widths, strict=True)))
    print("\nProject page interaction (ms: zoom +2 / pan / filter):")
    for size, run in results["runs"].items():
        probes = run.get("project", {}).get("browser", {}).get("probes") or {}
        cells = [_cell(probes.get(key)) for key in ("zoom_ms", "pan_ms", "filter_ms")]
        print(f"  N = {int(size):,}: {' / '.join(cells)}")
    for size, run in results["runs"].items():
        errors = _errors(run)
        if errors:
            print(f"  N = {int(size):,} problems: {'; '.join(errors)}")
        rebuild = run.get("rebuild_after_add")
        if rebuild:
            print(
                f"\nN = {int(size):,}: add one incident {_cell(rebuild.get('add_s'))} s; "
                f"rebuild {_cell(rebuild.get('rebuild_s'))} s as a process, map on disk "
                f"{_cell(rebuild.get('rebuild_to_map_s'))} s after the launch "
                f"({_cell(rebuild.get('rebuild_map_s'))} s of build); no-change rebuild "
                f"{_cell(rebuild.get('no_change_rebuild_s'))} s "
                f"(map after {_cell(rebuild.get('no_change_rebuild_map_s'))} s); under --watch "
                f"the map is rewritten {_cell(rebuild.get('watch_rebuild_map_s'))} s after the "
                "change is seen"
            )
    help_s = results.get("help", {}).get("wall_s")
    print(f"\n`build_map.py --help` as a process: {_cell(help_s)} s")
    print(f"Load average before / after: {results.get('load_average_before')} / "
          f"{results.get('load_average_after')} (the machine may be shared)")  # fmt: skip
    print(f"\nTargets at N = {TARGET_N:,} (1,000,000 with --million):")
    for label, verdict in results["targets"].items():
        met = verdict["met"]
        said = "not measured" if met is None else ("met" if met else "NOT met")
        print(f"  {label}: {_cell(verdict['value'])} → {said}")


def _errors(run: dict[str, Any]) -> list[str]:
    """Short descriptions of the phases that failed or timed out."""
    found = []
    for side in ("project", "baseline"):
        part = run.get(side, {})
        if "error" in part:
            found.append(f"{side} build: {_last_line(part['error'])}")
        note = part.get("browser", {}).get("note")
        if note:
            found.append(f"{side} browser: {note}")
    rebuild = run.get("rebuild_after_add", {})
    found.extend(
        f"rebuild after add ({key}): {_last_line(rebuild[key])}"
        for key in ("error", "add_error", "rebuild_error", "no_change_rebuild_error")
        if rebuild.get(key)
    )
    return found


def _last_line(text: str) -> str:
    """Return the last non-blank line of an error (a traceback's exception line)."""
    lines = [line for line in text.splitlines() if line.strip()]
    return lines[-1].strip()[:200] if lines else ""


def _save(results: dict[str, Any]) -> None:
    RESULTS_PATH.write_text(json.dumps(results, indent=1, sort_keys=True) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
