"""`build_map.py doctor`: every check passes on a healthy project and names the fix otherwise."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from geo import doctor
from geo.cache import BuildCache
from geo.datasets import DATA_DIR
from geo.store.csv_store import CsvStore
from layers.offline import check_assets

ROOT = Path(__file__).resolve().parent.parent


def run_doctor(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "build_map.py", "doctor", *argv],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def test_a_healthy_project_passes(tmp_path: Path) -> None:
    result = run_doctor("--out", str(tmp_path))
    lines = result.stdout.splitlines()
    for check in ("python", "packages", "data", "store", "assets", "cache", "output"):
        assert any(line.startswith(f"ok    {check}:") for line in lines), result.stdout
    failed = [line for line in lines if line.startswith("FAIL")]
    assert result.returncode == (1 if failed else 0)
    assert lines[-1] == (
        "all checks passed" if not failed else f"{len(failed)} problem(s) found; fixes above"
    )


def test_a_broken_store_is_named_with_its_line_and_a_fix(tmp_path: Path) -> None:
    store = tmp_path / "incidents.csv"
    text = (DATA_DIR / "incidents.csv").read_text(encoding="utf-8")
    store.write_text(text.replace("2020-09-07", "2020-13-07", 1), encoding="utf-8")
    result = run_doctor("--incidents", str(store), "--out", str(tmp_path / "out"))
    assert result.returncode == 1
    assert "FAIL  store: 1 problem(s):" in result.stdout
    assert "column 'event_date'" in result.stdout
    assert "fix: correct those rows" in result.stdout


def test_damaged_cache_and_leftover_temporary_files_are_reported(tmp_path: Path) -> None:
    cache = BuildCache(tmp_path / ".cache")
    cache.write("map", b"payload", key="k")
    (tmp_path / ".cache" / "map.bin").write_bytes(b"tampered")
    leftover = tmp_path / ".idlib_map.html.abc123.tmp"
    leftover.write_bytes(b"<html>")
    (tmp_path / "layers").mkdir()
    deeper = tmp_path / "layers" / ".m4.geojson.x1.tmp"
    deeper.write_bytes(b"{")
    journal = tmp_path / ".idlib.gpkg.b81f9qab.gpkg-journal"  # SQLite's, of a killed export
    journal.write_bytes(b"\0")
    store = CsvStore(DATA_DIR / "incidents.csv")
    found = {
        f.check: f for f in doctor.check_cache(tmp_path) + doctor.check_output(tmp_path, store)
    }
    assert not found["cache"].ok
    assert "map: corrupt (payload does not match its checksum)" in found["cache"].detail
    assert not found["leftovers"].ok
    assert found["leftovers"].fix == f"delete them: rm {journal} {leftover} {deeper}"
    assert found["output"].ok


def test_missing_data_and_assets_say_how_to_fix(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    (data / "observation_posts.csv").unlink()
    (finding,) = doctor.check_data(data, CsvStore(data / "incidents.csv"))
    assert not finding.ok
    assert "observation_posts.csv" in finding.detail
    assert "git checkout" in finding.fix
    (assets,) = check_assets(asset_dir=tmp_path / "no-assets")
    assert not assets.ok
    assert assets.fix == "make assets"
    assert "make assets" in assets.line()
