"""Analyst layers: every format read alike, reprojected, checked with errors that say where."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import geopandas as gpd
import pytest
import shapely

import build_map
from geo.config import load_config
from geo.errors import CRSError, DataFileError, GeometryError
from geo.user_layers import UserLayerSpec, load_user_layer, load_user_layers

SAMPLE = Path(__file__).resolve().parents[1] / "docs" / "samples" / "sample_control_lines.geojson"
EXPECTED_DATES = [
    (dt.date(2019, 5, 1), dt.date(2020, 1, 31)),
    (dt.date(2020, 2, 1), dt.date(2020, 3, 5)),
    (dt.date(2020, 3, 6), None),
    (None, None),
]


def sample_frame() -> gpd.GeoDataFrame:
    return gpd.read_file(SAMPLE)


def write(frame: gpd.GeoDataFrame, path: Path, **options: Any) -> Path:
    frame.to_file(path, **options)
    return path


def test_the_sample_is_labelled_and_dated() -> None:
    [layer] = load_user_layers((UserLayerSpec(path=SAMPLE),))
    assert layer.spec.name == "sample_control_lines"
    assert layer.spec.colour.startswith("#")
    assert layer.dated
    assert layer.kinds == {"line", "polygon"}
    assert [(f.valid_from, f.valid_to) for f in layer.features] == EXPECTED_DATES
    assert all("not a real" in f.title for f in layer.features)
    assert all("sample" in dict(f.rows)["status"] for f in layer.features)


@pytest.mark.parametrize(
    ("suffix", "driver"),
    [(".kml", "LIBKML"), (".kmz", "LIBKML"), (".gpkg", "GPKG"), (".shp", "ESRI Shapefile")],
)
def test_every_format_reads_the_same(tmp_path: Path, suffix: str, driver: str) -> None:
    path = write(sample_frame(), tmp_path / f"lines{suffix}", driver=driver)
    layer = load_user_layer(UserLayerSpec(path=path).resolved(0))
    assert [(f.valid_from, f.valid_to) for f in layer.features] == EXPECTED_DATES
    assert [f.title for f in layer.features] == list(sample_frame()["name"])
    first = shapely.geometry.shape(layer.features[0].geometry)
    expected = sample_frame().geometry.iloc[0]
    assert first.equals_exact(expected, tolerance=1e-6)


def test_a_projected_layer_is_reprojected(tmp_path: Path) -> None:
    path = write(sample_frame().to_crs(32637), tmp_path / "utm.gpkg")
    layer = load_user_layer(UserLayerSpec(path=path).resolved(0))
    first = shapely.geometry.shape(layer.features[0].geometry)
    assert first.equals_exact(sample_frame().geometry.iloc[0], tolerance=1e-6)


def test_kml_timespan_gives_the_dates(tmp_path: Path) -> None:
    frame = sample_frame().rename(columns={"valid_from": "begin", "valid_to": "end"})
    path = write(frame, tmp_path / "spans.kml", driver="LIBKML")
    layer = load_user_layer(UserLayerSpec(path=path).resolved(0))
    assert [(f.valid_from, f.valid_to) for f in layer.features] == EXPECTED_DATES
    assert "<TimeSpan>" in path.read_text(encoding="utf-8")


def test_own_date_and_popup_fields(tmp_path: Path) -> None:
    frame = sample_frame().rename(columns={"valid_from": "from", "valid_to": "until"})
    path = write(frame, tmp_path / "own.geojson", driver="GeoJSON")
    spec = UserLayerSpec(path=path, valid_from="from", valid_to="until", popup_fields=("status",))
    layer = load_user_layer(spec.resolved(0))
    assert layer.features[1].valid_to == dt.date(2020, 3, 5)
    assert [name for name, _ in layer.features[0].rows] == ["status", "Valid"]


def geojson_file(path: Path, features: list[dict[str, Any]], crs: str | None = None) -> Path:
    collection: dict[str, Any] = {"type": "FeatureCollection", "features": features}
    if crs:
        collection["crs"] = {"type": "name", "properties": {"name": crs}}
    path.write_text(json.dumps(collection), encoding="utf-8")
    return path


def line(coords: list[list[float]], **properties: Any) -> dict[str, Any]:
    return {
        "type": "Feature",
        "properties": {"name": "Line X", **properties},
        "geometry": {"type": "LineString", "coordinates": coords},
    }


NEAR_IDLIB = [[36.4, 35.8], [36.6, 35.85]]


@pytest.mark.parametrize(
    ("features", "crs", "error", "message"),
    [
        ([], None, DataFileError, "has no features"),
        (
            [line([[360000.0, 3960000.0], [370000.0, 3965000.0]])],
            None,
            CRSError,
            "look like metres",
        ),
        ([line([[36.2, 37.2], [36.25, 37.3]])], None, CRSError, "swapped"),  # near Aleppo
        ([line([[2.3, 48.8], [2.4, 48.9]])], None, GeometryError, "nowhere near north-west Syria"),
        ([line(NEAR_IDLIB, valid_from="2020-13-45")], None, DataFileError, "'valid_from'"),
        (
            [line(NEAR_IDLIB, valid_from="2020-05-01", valid_to="2020-04-01")],
            None,
            DataFileError,
            "is before valid_from",
        ),
        (
            [
                line(NEAR_IDLIB),
                {"type": "Feature", "properties": {"name": "Nothing"}, "geometry": None},
            ],
            None,
            GeometryError,
            "feature 2 ('Nothing'): no geometry",
        ),
    ],
)
def test_bad_layers_are_refused_naming_file_and_feature(
    tmp_path: Path, features: list[dict[str, Any]], crs: str | None, error: type[Exception],
    message: str,
) -> None:  # fmt: skip
    path = geojson_file(tmp_path / "bad.geojson", features, crs)
    with pytest.raises(error) as raised:
        load_user_layer(UserLayerSpec(path=path).resolved(0))
    assert message in str(raised.value)
    assert str(path) in str(raised.value)


def test_bad_date_names_the_feature(tmp_path: Path) -> None:
    path = geojson_file(tmp_path / "dates.geojson", [line(NEAR_IDLIB, valid_to="soon")])
    with pytest.raises(DataFileError, match=r"feature 1 \('Line X'\), field 'valid_to'"):
        load_user_layer(UserLayerSpec(path=path).resolved(0))


def test_a_shapefile_without_prj_has_no_crs(tmp_path: Path) -> None:
    path = write(sample_frame(), tmp_path / "nocrs.shp")
    path.with_suffix(".prj").unlink()
    with pytest.raises(CRSError, match="has no CRS"):
        load_user_layer(UserLayerSpec(path=path).resolved(0))


def test_missing_unreadable_and_unknown_files(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match="layer file not found"):
        load_user_layer(UserLayerSpec(path=tmp_path / "none.geojson"))
    junk = tmp_path / "junk.gpkg"
    junk.write_bytes(b"not a geopackage")
    with pytest.raises(DataFileError, match="cannot read as a vector file"):
        load_user_layer(UserLayerSpec(path=junk))
    with pytest.raises(DataFileError, match="is not a layer file we read"):
        load_user_layer(UserLayerSpec(path=tmp_path / "lines.csv"))
    path = geojson_file(tmp_path / "ok.geojson", [line(NEAR_IDLIB)])
    with pytest.raises(DataFileError, match="popup field 'status' is not in the layer"):
        load_user_layer(UserLayerSpec(path=path, popup_fields=("status",)))


def test_settings_file_layers(tmp_path: Path) -> None:
    config = tmp_path / "idlib-map.toml"
    config.write_text(
        f'[[layers]]\nfile = "{SAMPLE}"\nname = "Our lines"\ncolour = "#112233"\n'
        'popup = ["status"]\nsource = "Team A"\n\n[[layers]]\nfile = "other.kml"\n',
        encoding="utf-8",
    )
    first, second = load_config(config).layers
    assert (first.name, first.colour, first.popup_fields, first.source) == (
        "Our lines", "#112233", ("status",), "Team A",
    )  # fmt: skip
    assert second.path == (tmp_path / "other.kml").resolve()
    for bad, message in [
        ('[[layers]]\nfile = "a.geojson"\ncolor = "red"\n', "colour 'red' is not #rrggbb"),
        ('[[layers]]\nfile = "a.geojson"\nstyle = "x"\n', "entry 1: unknown key(s) style"),
        ('[[layers]]\nname = "x"\n', "entry 1: file must be a file path"),
        ('[[layers]]\nfile = "a.geojson"\npopup = "status"\n', "popup must be a list"),
        ('[layer]\nfile = "a.geojson"\n', "unknown section(s) layer"),
    ]:
        config.write_text(bad, encoding="utf-8")
        with pytest.raises(DataFileError, match=message.replace("(", r"\(").replace(")", r"\)")):
            load_config(config)


def test_build_with_layers_from_option_and_settings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "idlib-map.toml"
    config.write_text(
        f'[[layers]]\nfile = "{SAMPLE}"\nname = "Control lines (sample)"\nsource = "Team A"\n',
        encoding="utf-8",
    )
    area = geojson_file(tmp_path / "zone.geojson", [{
        "type": "Feature", "properties": {"name": "Zone"},
        "geometry": {"type": "Polygon", "coordinates": [[[36.3, 35.7], [36.5, 35.7], [36.5, 35.9],
                                                         [36.3, 35.7]]]},
    }])  # fmt: skip
    args = ["--out", str(tmp_path), "--config", str(config), "--layer", str(area), "--no-exports"]
    assert build_map.main(args) == 0
    html = (tmp_path / "idlib_map.html").read_text(encoding="utf-8")
    assert '"name":"Control lines (sample)"' in html
    assert '"name":"zone"' in html
    assert "Control lines (sample): Team A" in html
    assert "analyst layer zone.geojson" in html
    assert '"validFrom":"2020-03-06"' in html
    capsys.readouterr()
    # A layer change is a new page: the cached page must not be reused.
    area.write_text(area.read_text(encoding="utf-8").replace('"Zone"', '"Zone 2"'), "utf-8")
    assert build_map.main(args) == 0
    assert '"Zone 2"' in (tmp_path / "idlib_map.html").read_text(encoding="utf-8")


def test_a_layer_may_not_take_a_map_layer_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = geojson_file(tmp_path / "Places.geojson", [line(NEAR_IDLIB)])
    args = ["--out", str(tmp_path), "--layer", str(path), "--no-exports", "--quiet"]
    assert build_map.main(args) == 1
    assert "layer name 'Places' is already used on the map" in capsys.readouterr().err
    assert not (tmp_path / "idlib_map.html").exists()


def test_template_syntax_in_a_layer_is_text_not_code(tmp_path: Path) -> None:
    # folium renders the page with jinja; a layer's texts must reach the page as they are,
    # never be read as template code (jinja expressions can reach Python's os module).
    probes = {"<{{ 6*7 }}>": "<42>", "<{% if true %}yes{% endif %}>": "<yes>",
              "<A{# gone #}Z>": "<AZ>", "<{{ cycler.__init__.__globals__.os.getcwd() }}>":
              f"<{Path.cwd()}>"}  # fmt: skip
    path = geojson_file(tmp_path / "<{{ 7*8 }}>.geojson",
                        [line(NEAR_IDLIB, name=probe, note=probe) for probe in probes])  # fmt: skip
    config = tmp_path / "idlib-map.toml"
    config.write_text(f'[[layers]]\nfile = "{path}"\nsource = "<{{{{ 9*9 }}}}>"\n', "utf-8")
    args = ["--out", str(tmp_path), "--config", str(config), "--no-exports", "--quiet"]
    assert build_map.main(args) == 0
    page = (tmp_path / "idlib_map.html").read_text(encoding="utf-8")
    html = page.replace("\\u003c", "<").replace("\\u003e", ">")  # as the page's scripts read it
    probes |= {"<{{ 7*8 }}>": "<56>", "<{{ 9*9 }}>": "<81>"}
    for probe, evaluated in probes.items():
        assert probe in html
        assert evaluated not in html
