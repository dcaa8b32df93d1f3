"""A command-line build keeps pandas and geopandas out of its process and writes the same files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import build_map
from geo import imports
from geo.datasets import DATA_DIR

ROOT = Path(build_map.__file__).resolve().parent
#: Runs the command line as its own process does (``main()`` reads ``sys.argv``), then says
#: which of the named modules (by default the refused packages) ended up imported.
_PROBE = (
    "import json, sys; import build_map; status = build_map.main(); "
    "print(json.dumps([status, [n for n in {names!r} if n in sys.modules]]))"
)


def _outputs(out: Path) -> dict[str, bytes]:
    return {
        path.relative_to(out).as_posix(): path.read_bytes()
        for path in sorted(out.rglob("*"))
        if path.is_file() and ".cache" not in path.parts
    }


def _probe(
    *argv: str, names: tuple[str, ...] = imports.UNUSED_IN_BUILDS, stdin: str = ""
) -> tuple[int, list[str]]:
    """Run the command line in a process of its own; return its status and ``names`` imported."""
    done = subprocess.run(
        [sys.executable, "-c", _PROBE.format(names=names), *argv], cwd=ROOT, input=stdin,
        capture_output=True, text=True, check=True, timeout=240,
    )  # fmt: skip
    status, imported = json.loads(done.stdout.strip().splitlines()[-1])
    return status, imported


def test_a_command_line_build_refuses_pandas_and_writes_what_a_build_with_it_writes(
    tmp_path: Path,
) -> None:
    store = tmp_path / "incidents.csv"
    store.write_bytes((DATA_DIR / "incidents.csv").read_bytes())
    lean, full = tmp_path / "lean", tmp_path / "full"
    status, imported = _probe("-q", "--kml", "--store", str(store), "--out", str(lean))
    assert (status, imported) == (0, [])
    # In this test process pandas is importable (main() was given its arguments).
    assert build_map.main(["-q", "--kml", "--store", str(store), "--out", str(full)]) == 0
    assert _outputs(lean) == _outputs(full)
    assert "idlib_map.html" in _outputs(lean)


def test_a_build_with_an_analyst_layer_refuses_nothing(tmp_path: Path) -> None:
    layer = tmp_path / "zone.geojson"
    square = [[36.6, 35.8], [36.7, 35.8], [36.7, 35.9], [36.6, 35.9], [36.6, 35.8]]
    feature = {"type": "Feature", "properties": {"name": "Test zone"},
               "geometry": {"type": "Polygon", "coordinates": [square]}}  # fmt: skip
    layer.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    status, imported = _probe("-q", "--layer", str(layer), "--out", str(tmp_path / "out"))
    assert status == 0
    assert "geopandas" in imported  # the layer was read with it


def test_refused_imports_fail_as_a_missing_package_and_spare_what_is_imported(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sys, "meta_path", list(sys.meta_path))
    assert imports.refuse(("sys", "not_a_real_package_x")) == ("not_a_real_package_x",)
    assert imports.refuse(("another_package_y",)) == ()  # one finder per process
    with pytest.raises(ModuleNotFoundError, match="kept out of map builds"):
        __import__("not_a_real_package_x.sub")


def test_ingest_on_the_command_line_imports_neither_pandas_nor_the_exports(tmp_path: Path) -> None:
    # A report in our own words; the store is the bundled one (read to mark known incidents).
    report = "Shelling hit Ariha on Tuesday, killing two civilians and wounding five others."
    lean, full = tmp_path / "lean", tmp_path / "full"
    argv = ["ingest", "--published", "2020-03-03", "--overwrite"]
    names = (*imports.UNUSED_IN_BUILDS, "geo.incidents.export")
    status, imported = _probe(*argv, "--out", str(lean), names=names, stdin=report)
    assert (status, imported) == (0, [])
    # The same report through main() with arguments (nothing refused) writes the same rows.
    text = tmp_path / "report.txt"
    text.write_text(report, encoding="utf-8")
    assert build_map.main([*argv, str(text), "--out", str(full)]) == 0
    rows = (lean / "candidates.csv").read_text(encoding="utf-8")
    assert rows == (full / "candidates.csv").read_text(encoding="utf-8")
    assert ",Ariha," in rows


def test_rendering_the_page_template_imports_no_pyarrow() -> None:
    # The template child of a cold build renders the page with folium alone; pyarrow is for
    # packing the data into it, which the build does afterwards. As on the command line,
    # pandas is refused (folium would import it, and it pyarrow).
    probe = (
        "import json, sys; from geo.imports import refuse; refuse(); "
        "from geo.project import load_static; from geo.datasets import "
        "DATA_DIR; from layers.page import render_template; "
        "html = render_template(load_static(data_dir=DATA_DIR), offline=False); "
        "print(json.dumps(['pyarrow' in sys.modules, 'folium' in sys.modules, len(html) > 0]))"
    )
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True,
                          text=True, check=True, timeout=240)  # fmt: skip
    assert json.loads(done.stdout.strip().splitlines()[-1]) == [False, True, True]
