"""Figures and charts for reports, made by the command a user runs: files that exist, open,
have the expected size and labels, and come out the same each time."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import numpy as np
import pytest
from matplotlib import image

import build_map
from geo.project import MapInputs, load_inputs
from geo.selection import SelectionError, parse_types, select

STORE = Path(build_map.__file__).parent / "data" / "incidents.csv"


def run(*args: str) -> int:
    return build_map.main(list(args))


def test_figure_png_svg_pdf(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    png, svg, pdf = (tmp_path / f"map.{ext}" for ext in ("png", "svg", "pdf"))
    for path in (png, svg, pdf):
        assert run("figure", "--out", str(path)) == 0
    assert "16 of 16 incidents" in capsys.readouterr().out
    pixels = image.imread(png)
    assert pixels.shape[1] == 2000  # 10 in at 200 dpi; the height follows the area drawn
    assert 1000 < pixels.shape[0] < 2400
    assert pixels.std() > 0.05  # not a blank page
    text = svg.read_text(encoding="utf-8")
    for label in ("Legend", "Corridor north half: Turkish supervision", "Joint patrol segment",
                  "Shelling / artillery (9)", "Air / drone strike (2)", "Ariha", "Idlib", "km",
                  "as of 2020-09-17", "OCHA (CC BY 3.0 IGO)", ">N<",
                  "Hollow: position approximate"):  # fmt: skip
        assert label in text, label
    head = pdf.read_bytes()
    assert head.startswith(b"%PDF-")
    assert head.rstrip().endswith(b"%%EOF")
    assert b"CreationDate" not in head


def test_figure_and_chart_are_deterministic(tmp_path: Path) -> None:
    for name in ("a", "b"):
        for kind, ext in (("figure", "png"), ("figure", "pdf"), ("chart", "svg")):
            assert run(kind, "--out", str(tmp_path / name / f"{kind}.{ext}")) == 0
    for path in sorted((tmp_path / "a").iterdir()):
        assert path.read_bytes() == (tmp_path / "b" / path.name).read_bytes(), path.name


def test_figure_filters(tmp_path: Path) -> None:
    out = tmp_path / "air.svg"
    assert run("figure", "--out", str(out), "--types", "air", "--from", "2020-01-01") == 0
    text = out.read_text(encoding="utf-8")
    assert "Air / drone strike (2)" in text
    assert "Shelling / artillery" not in text
    assert "2 of 16 incidents" in text
    out = tmp_path / "box.svg"
    assert run("figure", "--out", str(out), "--bbox", "36.55,35.75,36.70,35.85") == 0
    assert "Ariha" in out.read_text(encoding="utf-8")


def test_figure_and_chart_read_the_store_option(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = week_store(tmp_path)
    for kind in ("figure", "chart"):
        assert run(kind, "--store", str(store), "--out", str(tmp_path / f"{kind}.svg")) == 0
        # --incidents is the same option, as for every other command
        assert run(kind, "--incidents", str(store), "--out", str(tmp_path / f"{kind}.png")) == 0
    assert "16 of 16 incidents" in capsys.readouterr().out
    config = tmp_path / "idlib-map.toml"
    config.write_text(f'[map]\nstore = "{tmp_path / "missing.csv"}"\n', encoding="utf-8")
    assert run("chart", "--config", str(config), "--out", str(tmp_path / "c.svg")) == 1
    assert "missing.csv: file not found" in capsys.readouterr().err


def test_chart_png_and_svg(tmp_path: Path) -> None:
    png, svg = tmp_path / "chart.png", tmp_path / "chart.svg"
    assert run("chart", "--out", str(png)) == 0
    assert run("chart", "--out", str(svg)) == 0
    assert image.imread(png).shape[:2] == (1500, 2000)
    text = svg.read_text(encoding="utf-8")
    for label in ("Ceasefire 6 March 2020", "Incidents", "Killed", "Injured",
                  "North half (Turkish supervision)", "South half (Russian supervision)",
                  "Outside the corridor", "2020-02", "2020-09", "not counted as zero"):  # fmt: skip
        assert label in text, label


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["figure", "--out", "x.gif"], "give a file ending in .png, .svg, .pdf"),
        (["chart", "--out", "x.pdf"], "give a file ending in .png, .svg"),
        (["figure", "--out", "x.png", "--types", "rockets"], "unknown type(s) rockets"),
        (["figure", "--out", "x.png", "--bbox", "36.9,35.6,36.2,36.0"], "west must be < east"),
        (
            ["figure", "--out", "x.png", "--from", "2020-09-01", "--to", "2020-08-01"],
            "is before --from",
        ),
    ],
)
def test_bad_options_are_refused(
    tmp_path: Path, args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    args[2] = str(tmp_path / args[2])
    assert run(*args) == 1
    assert message in capsys.readouterr().err
    assert not Path(args[2]).exists()


def test_a_bbox_option_that_is_not_numbers_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run("figure", "--out", str(tmp_path / "x.png"), "--bbox", "north-west") == 1
    assert "give WEST,SOUTH,EAST,NORTH in degrees" in capsys.readouterr().err


def week_store(tmp_path: Path) -> Path:
    """The bundled store, with SYR-IDL-000010 (7 Sep 2020) known only to the month."""
    rows = list(csv.DictReader(io.StringIO(STORE.read_text(encoding="utf-8"))))
    for row in rows:
        if row["event_id_cnty"] == "SYR-IDL-000010":
            row["time_precision"] = "3"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path = tmp_path / "incidents.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def test_selection_keeps_a_date_range_that_overlaps_the_period(tmp_path: Path) -> None:
    inputs: MapInputs = load_inputs(store=week_store(tmp_path))
    # 7 Sep ± 15 days reaches 22 Sep; the 17 Sep week dates (± 3 days) reach 20 Sep.
    late = select(inputs, start=dt.date(2020, 9, 21), end=dt.date(2020, 9, 30))
    assert len(late) == 1
    assert str(late.date[0]) == "2020-09-07"
    exact = select(inputs, start=dt.date(2020, 9, 18), end=dt.date(2020, 9, 18))
    assert len(exact) == 5  # the month date and the four week dates of 17 Sep
    air = select(inputs, types=parse_types("air"))
    assert set(air.symbol.tolist()) == {"air"}
    assert np.isnan(air.injured).sum() + (air.injured >= 0).sum() == len(air)
    with pytest.raises(SelectionError):
        parse_types("air,rockets")
