"""The command line as a user runs it."""

import subprocess
import sys
from pathlib import Path

import pytest

import build_map

ROOT = Path(__file__).resolve().parents[1]


def test_build_writes_the_map_and_prints_its_path(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "build_map.py", "--out", str(tmp_path)],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "idlib_map.html").is_file()
    assert f"file://{(tmp_path / 'idlib_map.html').resolve()}" in result.stdout


def test_bad_incident_file_names_file_line_and_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = (ROOT / "data" / "incidents.csv").read_text(encoding="utf-8").splitlines()
    header, first = good[0], good[1]
    bad = first.replace("2020-02-27", "2020-02-30", 1)
    store = tmp_path / "incidents.csv"
    store.write_text(f"{header}\n{first}\n{bad}\n", encoding="utf-8")
    args = ["--incidents", str(store), "--out", str(tmp_path), "--quiet"]
    assert build_map.main([*args, "--strict"]) == 1
    err = capsys.readouterr().err
    assert "incidents.csv, line 3, column 'event_date'" in err
    assert not (tmp_path / "idlib_map.html").exists()
    # By default the valid row is mapped and the bad one listed, even with --quiet.
    assert build_map.main(args) == 0
    err = capsys.readouterr().err
    assert "1 row not shown" in err
    assert "incidents.csv, line 3, column 'event_date'" in err
    assert (tmp_path / "idlib_map.html").is_file()
    assert "line 3" not in (tmp_path / "rejected.csv").read_text(encoding="utf-8")
    assert (tmp_path / "rejected.csv").read_text(encoding="utf-8").splitlines()[1].startswith("3,")


def test_cdn_option_keeps_links(tmp_path: Path) -> None:
    assert build_map.main(["--out", str(tmp_path), "--cdn", "--quiet"]) == 0
    html = (tmp_path / "idlib_map.html").read_text(encoding="utf-8")
    assert (
        '<script src="https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js"></script>' in html
    )
