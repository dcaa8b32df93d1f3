"""The incident store: schema, validation that reports everything, add, import, classification."""

from __future__ import annotations

import bisect
import csv
import datetime as dt
import io
import itertools
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyogrio
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import build_map
from geo.admin import AdminAreas
from geo.datasets import DATA_DIR
from geo.errors import DataFileError
from geo.incidents import IncidentValidationError, load_store
from geo.incidents.add import _in_order, _Keys
from geo.incidents.classify import phase_of
from geo.incidents.schema import INCIDENT_COLUMNS, event_kind
from geo.incidents.table import read_table, write_table
from geo.places import load_places

ROOT = Path(__file__).resolve().parents[1]
STORE = DATA_DIR / "incidents.csv"
FIXTURES = Path(__file__).resolve().parent / "data"
ADMIN = AdminAreas.load(DATA_DIR / "admin")
PLACES = {place.place_id: place for place in load_places(DATA_DIR / "places.csv")}


def store_copy(tmp_path: Path) -> Path:
    path = tmp_path / "incidents.csv"
    path.write_bytes(STORE.read_bytes())
    return path


def first_row() -> dict[str, str]:
    return next(csv.DictReader(io.StringIO(STORE.read_text(encoding="utf-8"))))


def write_rows(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(INCIDENT_COLUMNS), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


# --- the bundled store ---------------------------------------------------------------------


def test_bundled_store_is_valid_sourced_and_ordered() -> None:
    store = load_store(STORE, admin=ADMIN, places=PLACES)
    incidents = store.incidents()
    assert len(incidents) >= 10
    assert all(item.source for item in incidents)
    assert [i.event_id for i in incidents] == sorted(
        {i.event_id for i in incidents}, key=[i.event_id for i in incidents].index
    )
    dates = [(i.event_date, i.event_id) for i in incidents]
    assert dates == sorted(dates)
    seed_days = {
        "2020-02-27",
        "2020-07-14",
        "2020-08-17",
        "2020-08-25",
        "2020-09-07",
        "2020-09-16",
        "2020-09-17",
    }
    assert seed_days <= {i.event_date.isoformat() for i in incidents}
    assert store.warnings == []


def test_header_is_acled_columns_then_ours() -> None:
    header = STORE.read_text(encoding="utf-8").splitlines()[0].split(",")
    assert header == list(INCIDENT_COLUMNS)
    assert header[-3:] == ["injured", "source_url", "place_id"] or {
        "injured",
        "source_url",
        "place_id",
    } <= set(header)


@pytest.mark.parametrize(
    ("alias", "sub_event_type", "tag"),
    [
        ("shelling", "Shelling/artillery/missile attack", ""),
        ("airstrike", "Air/drone strike", ""),
        ("drone", "Air/drone strike", "drone"),
        ("IED", "Remote explosive/landmine/IED", ""),
        ("missile", "Shelling/artillery/missile attack", "missile"),
        ("clash", "Armed clash", ""),
        ("Air/drone strike", "Air/drone strike", ""),
    ],
)
def test_type_aliases(alias: str, sub_event_type: str, tag: str) -> None:
    kind = event_kind(alias)
    assert (kind.sub_event_type, kind.tag) == (sub_event_type, tag)


def test_unknown_type_lists_the_names() -> None:
    with pytest.raises(ValueError, match="shelling"):
        event_kind("bombardment-ish")


# --- reading and validation ----------------------------------------------------------------


def test_bom_crlf_blank_lines_and_extra_columns_survive_a_rewrite(tmp_path: Path) -> None:
    text = STORE.read_text(encoding="utf-8")
    lines = text.splitlines()
    lines[0] += ",analyst_comment"
    lines[1] += ",checked by A."
    lines[2:] = [line + "," for line in lines[2:]]
    path = tmp_path / "incidents.csv"
    path.write_bytes(
        ("\ufeff" + "\r\n".join([*lines[:2], "", *lines[2:]]) + "\r\n").encode("utf-8")
    )
    table = read_table(path)
    assert len(table) == len(lines) - 1
    write_table(table, path)
    rewritten = path.read_text(encoding="utf-8")
    assert rewritten.splitlines()[0].endswith(",analyst_comment")
    assert "checked by A." in rewritten
    assert load_store(path, admin=ADMIN, places=PLACES)


def test_every_error_is_reported_at_once_with_line_and_column(tmp_path: Path) -> None:
    base = first_row()
    bad = [
        {**base, "event_id_cnty": "X1", "event_date": "2020-02-30"},
        {**base, "event_id_cnty": "X2", "event_date": "2099-01-01", "year": "2099"},
        {**base, "event_id_cnty": "X3", "event_date": "2009-05-01", "year": "2009"},
        {
            **base,
            "event_id_cnty": "X4",
            "latitude": "36.502",
            "longitude": "35.696",
            "place_id": "",
        },
        {**base, "event_id_cnty": "X5", "latitude": "33.51", "longitude": "36.29", "place_id": ""},
        {**base, "event_id_cnty": "X6", "sub_event_type": "Armed clash"},
        {**base, "event_id_cnty": "X7", "geo_precision": "4", "time_precision": "0"},
        {**base, "event_id_cnty": "X8", "fatalities": "-1", "injured": "2.5"},
        {**base, "event_id_cnty": "X8"},
        {
            **base,
            "event_id_cnty": "X9",
            "latitude": "35.93",
            "longitude": "36.63",
        },  # Idlib, not Balyun
        {**base, "event_id_cnty": "X10", "location": "", "source": ""},
        {**base, "event_id_cnty": "X11", "event_type": "Shelling", "disorder_type": "War"},
    ]
    path = write_rows(tmp_path / "bad.csv", bad)
    with pytest.raises(IncidentValidationError) as info:
        load_store(path, admin=ADMIN, places=PLACES, today=dt.date(2026, 11, 22))
    text = str(info.value)
    expected = [
        "line 2, column 'event_date': '2020-02-30' is not a date",
        "line 3, column 'event_date': 2099-01-01 is in the future",
        "line 4, column 'event_date': 2009-05-01 is before 2011-01-01",
        "line 5, column 'latitude': (36.502, 35.696) lat, lon lies outside north-west Syria; latitude and longitude look swapped",
        "line 6, column 'latitude': (33.51, 36.29) lat, lon lies outside north-west Syria",
        "line 7, column 'sub_event_type': 'Armed clash' belongs to 'Battles'",
        "line 8, column 'geo_precision': '4' is not one of 1, 2, 3",
        "line 8, column 'time_precision': '0' is not one of 1, 2, 3",
        "line 9, column 'fatalities': '-1' is not a whole number",
        "line 9, column 'injured': '2.5' is not a whole number",
        "line 10, column 'event_id_cnty': 'X8' is used 2 times",
        "line 11, column 'latitude': the coordinates lie",
        "line 12, column 'location': is empty",
        "line 12, column 'source': is empty",
        "line 13, column 'event_type': 'Shelling' is not an ACLED event type",
        "line 13, column 'disorder_type': 'War' is not one of",
    ]
    for fragment in expected:
        assert fragment in text, fragment
    assert len(info.value.issues) >= len(expected)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xff\xfe\x00e", "not UTF-8"),
        (b"event_id_cnty,event_date\n", r"missing column\(s\)"),
        ("\n".join([",".join(INCIDENT_COLUMNS), "a,b"]).encode(), "line 2: 2 fields"),
    ],
)
def test_file_level_problems(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "incidents.csv"
    path.write_bytes(content)
    with pytest.raises(DataFileError, match=message):
        load_store(path)


# --- add -----------------------------------------------------------------------------------


def run_cli(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "build_map.py", *argv],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def test_add_geocodes_appends_in_order_and_prints_the_id(tmp_path: Path) -> None:
    store = store_copy(tmp_path)
    result = run_cli(
        "add", "--date", "2020-09-08", "--place", "Kansfara", "--type", "shelling",
        "--actor1", "Military Forces of Syria (2000-)", "--fatalities", "1", "--injured", "6",
        "--source", "Enab Baladi, 8 Sep 2020", "--source-url", "https://example.org/a",
        "--notes", '=HYPERLINK("http://evil") test', "--incidents", str(store), "--out", str(tmp_path / "out"),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "added SYR-IDL-000017" in result.stdout
    assert (tmp_path / "out" / "idlib_map.html").is_file()  # rebuilt by default
    table = read_table(store)
    row = table.row(table.data["event_id_cnty"].index("SYR-IDL-000017"))
    assert (row["location"], row["place_id"], row["latitude"], row["longitude"]) == (
        "Kansafra",
        "kansafra",
        "35.65800",
        "36.48400",
    )
    assert (row["admin2"], row["event_type"], row["disorder_type"]) == (
        "Ariha",
        "Explosions/Remote violence",
        "Political violence",
    )
    assert row["notes"].startswith("=HYPERLINK")  # stored as given
    dates = table.data["event_date"]
    assert dates == sorted(dates)
    classified = (tmp_path / "out" / "incidents_classified.csv").read_text(encoding="utf-8")
    assert "'=HYPERLINK" in classified  # neutralised only in the export


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["--date", "2030-01-01", "--place", "Ariha", "--type", "ied", "--source", "x"],
            "in the future",
        ),
        (
            ["--date", "2020-09-08", "--place", "Sheikh Ali", "--type", "ied", "--source", "x"],
            "ambiguous",
        ),
        (
            ["--date", "2020-09-08", "--place", "Qwertyville", "--type", "ied", "--source", "x"],
            "no place matches",
        ),
        (
            ["--date", "2020-09-08", "--place", "Ariha", "--type", "bombing?", "--source", "x"],
            "unknown event type",
        ),
        (
            [
                "--date",
                "2020-09-08",
                "--lat",
                "36.61",
                "--lon",
                "35.81",
                "--type",
                "ied",
                "--source",
                "x",
            ],
            "swapped",
        ),
        (
            ["--date", "2020-09-07", "--place", "Ariha", "--type", "shelling", "--source", "x"],
            "--force",
        ),
        (
            ["--date", "2020-09-08", "--place", "Ariha", "--type", "shelling"],
            "needs --date, --type and --source",
        ),
    ],
)
def test_failed_add_leaves_the_store_byte_identical(
    tmp_path: Path, argv: list[str], message: str
) -> None:
    store = store_copy(tmp_path)
    before = store.read_bytes()
    result = run_cli("add", *argv, "--incidents", str(store), "--no-build")
    assert result.returncode != 0
    assert message in result.stderr
    assert store.read_bytes() == before
    assert not list(tmp_path.glob(".incidents.csv.*.tmp"))


def test_force_adds_a_duplicate_and_lat_lon_works(tmp_path: Path) -> None:
    store = store_copy(tmp_path)
    base = ["--incidents", str(store), "--no-build", "--type", "shelling", "--source", "x"]
    assert (
        run_cli("add", "--date", "2020-09-07", "--place", "Ariha", "--force", *base).returncode == 0
    )
    result = run_cli("add", "--date", "2020-09-09", "--lat", "35.75", "--lon", "36.55", *base)
    assert result.returncode == 0, result.stderr
    assert len(read_table(store)) == 18


def test_add_splices_one_line_into_a_store_with_a_column_of_its_own(tmp_path: Path) -> None:
    """The new row lands in date order with the analyst's own column empty; no other byte moves.

    The add compares the new row only with the stored rows of its date or id: a clash on
    the date, place and type is still found (refused without ``--force``), one with another
    date is not a clash, and a given id already used is refused.
    """
    lines = STORE.read_text(encoding="utf-8").splitlines()
    lines = [lines[0] + ",analyst_comment"] + [line + ",seen" for line in lines[1:]]
    store = tmp_path / "incidents.csv"
    store.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = store.read_bytes()
    base = ["add", "--incidents", str(store), "--no-build", "--type", "shelling", "--source", "x"]
    clash = run_cli(*base, "--date", "2020-09-07", "--place", "Ariha")
    assert clash.returncode != 0
    assert "--force" in clash.stderr
    assert store.read_bytes() == before
    result = run_cli(*base, "--date", "2020-09-10", "--place", "Ariha")
    assert result.returncode == 0, result.stderr
    table = read_table(store)
    added = table.row(table.data["event_id_cnty"].index("SYR-IDL-000017"))
    assert (added["event_date"], added["analyst_comment"]) == ("2020-09-10", "")
    assert table.data["event_date"] == sorted(table.data["event_date"])
    kept = [line for line in store.read_bytes().splitlines(keepends=True)
            if not line.startswith(b"SYR-IDL-000017,")]  # fmt: skip
    assert b"".join(kept) == before
    reviewed = tmp_path / "reviewed.csv"
    row = {**table.row(0), "event_id_cnty": table.data["event_id_cnty"][3],
           "event_date": "2021-01-05"}  # fmt: skip
    with reviewed.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(row))
        writer.writeheader()
        writer.writerow(row)
    reused = run_cli("add", "--incidents", str(store), "--no-build", "--from", str(reviewed))
    assert reused.returncode != 0
    assert "is already in the store" in reused.stderr


def test_add_from_a_reviewed_file(tmp_path: Path) -> None:
    store = store_copy(tmp_path)
    batch = tmp_path / "candidates.csv"
    batch.write_text(
        "event_date,sub_event_type,location,source,injured,status\n"
        "2020-10-01,Shelling/artillery/missile attack,Balion,Outlet A,2,candidate\n"
        "2020-10-01,Air/drone strike,al-Fterah,Outlet A,,reject\n"
        "2020-10-02,drone,Tronba,Outlet B,,keep\n",
        encoding="utf-8",
    )
    result = run_cli("add", "--from", str(batch), "--incidents", str(store), "--no-build")
    assert result.returncode == 0, result.stderr
    table = read_table(store)
    assert len(table) == 18
    assert "balyoun" in table.data["place_id"]
    assert "trinbeh" in table.data["place_id"]
    batch.write_text(
        "event_date,sub_event_type,location,source\n2020-10-01,shelling,Qwertyville,X\n",
        encoding="utf-8",
    )
    result = run_cli("add", "--from", str(batch), "--incidents", str(store), "--no-build")
    assert result.returncode == 1
    assert "candidates.csv, line 2, column 'location'" in result.stderr


def test_concurrent_adds_all_land(tmp_path: Path) -> None:
    store = store_copy(tmp_path)
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "build_map.py",
                "add",
                "--date",
                f"2020-10-{day:02d}",
                "--place",
                "Ariha",
                "--type",
                "shelling",
                "--source",
                f"writer {day}",
                "--incidents",
                str(store),
                "--no-build",
            ],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for day in range(1, 7)
    ]
    outcomes = [proc.communicate(timeout=120) for proc in procs]
    assert [proc.returncode for proc in procs] == [0] * len(procs), outcomes
    ids = read_table(store).data["event_id_cnty"]
    assert len(ids) == 22
    assert len(set(ids)) == 22


# --- ACLED import --------------------------------------------------------------------------


def test_import_acled_current_and_old_exports(tmp_path: Path) -> None:
    store = store_copy(tmp_path)
    result = run_cli(
        "import-acled", str(FIXTURES / "acled_current.csv"), "--incidents", str(store), "--no-build"
    )
    assert result.returncode == 0, result.stderr
    assert "added 2, updated 0, unchanged 0" in result.stdout
    assert "skipped, outside north-west Syria: 1" in result.stdout
    assert "skipped, invalid sub_event_type: 1" in result.stdout
    result = run_cli(
        "import-acled", str(FIXTURES / "acled_pre2023.csv"), "--incidents", str(store), "--no-build"
    )
    assert "added 2" in result.stdout
    table = read_table(store)
    row = table.row(table.data["event_id_cnty"].index("TEST0101"))
    assert (row["event_date"], row["disorder_type"]) == ("2020-07-14", "Political violence")
    again = run_cli(
        "import-acled", str(FIXTURES / "acled_current.csv"), "--incidents", str(store), "--no-build"
    )
    assert "added 0, updated 0, unchanged 2" in again.stdout
    changed = (
        (FIXTURES / "acled_current.csv")
        .read_text(encoding="utf-8")
        .replace("2,,1700000000", "3,,1700000000")
    )
    (tmp_path / "changed.csv").write_text(changed, encoding="utf-8")
    again = run_cli(
        "import-acled", str(tmp_path / "changed.csv"), "--incidents", str(store), "--no-build"
    )
    assert "added 0, updated 1, unchanged 1" in again.stdout


# --- classification and outputs -------------------------------------------------------------


def test_phase_rule() -> None:
    dates = np.array(
        ["2020-03-05", "2020-03-06", "2020-03-03", "2020-03-20", "2020-02-10"],
        dtype="datetime64[D]",
    )
    precision = np.array([1, 1, 2, 3, 3], dtype=np.int8)
    assert phase_of(dates, precision).tolist() == [
        "before",
        "after",
        "uncertain",
        "uncertain",
        "before",
    ]


def test_classification_of_the_seed_incidents(tmp_path: Path) -> None:
    assert build_map.main(["--out", str(tmp_path), "--quiet"]) == 0
    text = (tmp_path / "incidents_classified.csv").read_text(encoding="utf-8")
    rows = {r["event_id_cnty"]: r for r in csv.DictReader(io.StringIO(text))}
    ariha_ied = rows["SYR-IDL-000007"]  # IED at the entrance of Ariha on the M4
    assert (ariha_ied["corridor_side"], ariha_ied["phase"]) == ("road", "after")
    assert float(ariha_ied["dist_to_m4_km"]) < 0.1
    balyun = rows["SYR-IDL-000001"]  # 27 Feb 2020, before the ceasefire, 10 km south of the M4
    assert (balyun["corridor_side"], balyun["phase"], balyun["nearest_place"]) == (
        "outside",
        "before",
        "Balyoun",
    )
    assert balyun["in_corridor_certainty"] == "possible"  # 'near Balyun': within 5 km of the edge
    assert rows["SYR-IDL-000013"]["in_corridor_certainty"] == "outside"  # al-Fatirah, 20 km away
    summary = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert summary["total"]["incidents"] == len(rows)
    assert sum(v["incidents"] for v in summary["by_side"].values()) == len(rows)
    assert summary["by_phase"]["before"]["killed"] == 33
    geo = json.loads((tmp_path / "layers" / "incidents.geojson").read_text(encoding="utf-8"))
    assert len(geo["features"]) == len(rows)
    assert (tmp_path / "idlib.gpkg").stat().st_size > 0


def test_geojson_written_in_blocks_is_the_same_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A large store's features are encoded a block at a time (100,000 features): blocks of
    # 5 rows must give the bytes of one block.
    from geo.incidents import export  # noqa: PLC0415

    assert build_map.main(["--out", str(tmp_path / "whole"), "--quiet"]) == 0
    monkeypatch.setattr(export, "_FEATURES_AT_A_TIME", 5)
    assert build_map.main(["--out", str(tmp_path / "blocks"), "--quiet"]) == 0
    name = Path("layers") / "incidents.geojson"
    whole = (tmp_path / "whole" / name).read_bytes()
    assert (tmp_path / "blocks" / name).read_bytes() == whole
    features = json.loads(whole)["features"]
    assert len(features) > 5
    assert len({f["properties"]["event_id_cnty"] for f in features}) == len(features)


def test_geopackage_has_every_layer(tmp_path: Path) -> None:
    assert build_map.main(["--out", str(tmp_path), "--quiet"]) == 0
    layers = {name for name, _ in pyogrio.list_layers(tmp_path / "idlib.gpkg")}
    assert layers == {
        "incidents",
        "corridor",
        "corridor_north_south_band",
        "m4",
        "patrol_segment",
        "layer_styles",
    }  # the QGIS styles (geo/gpkg_styles.py)


def test_refusals_name_the_column_and_skips_name_their_lines(tmp_path: Path) -> None:
    store = store_copy(tmp_path)
    batch = tmp_path / "batch.csv"
    batch.write_text(
        "event_date,sub_event_type,location,source,time_precision\n"
        "2020-10-01,shelling,Ariha,X,week\n",
        encoding="utf-8",
    )
    result = run_cli("add", "--from", str(batch), "--incidents", str(store), "--no-build")
    assert result.returncode == 1
    assert f"{batch}, line 2, column 'time_precision':" in result.stderr
    batch.write_text(
        "event_date,sub_event_type,location,source\n2020-10-01,bombing,Ariha,X\n",
        encoding="utf-8",
    )
    result = run_cli("add", "--from", str(batch), "--incidents", str(store), "--no-build")
    assert f"{batch}, line 2, column 'sub_event_type': unknown event type" in result.stderr
    with (ROOT / "tests" / "data" / "acled_current.csv").open(
        encoding="utf-8", newline=""
    ) as handle:
        rows = list(csv.DictReader(handle))
    rows[0]["latitude"], rows[1]["longitude"] = "x", "10.0"
    export = tmp_path / "acled.csv"
    with export.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    result = run_cli("import-acled", str(export), "--incidents", str(store), "--no-build")
    assert result.returncode == 0, result.stderr
    assert "skipped, unreadable date or coordinates: 1 (line 2)" in result.stdout
    assert "skipped, outside north-west Syria: 2 (line 3, 4)" in result.stdout  # 4 as shipped


_TEXTS = st.text(alphabet="0-9-ASYRé٣😀", max_size=4)  # digits, ASCII, Latin, Arabic, emoji


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(_TEXTS, _TEXTS), max_size=12), st.tuples(_TEXTS, _TEXTS))
def test_the_splice_orders_rows_as_python_compares_their_texts(
    keys: list[tuple[str, str]], new: tuple[str, str]
) -> None:
    """The (date, id) order test and insertion point on Arrow arrays are Python's."""
    dates = pa.chunked_array([[d for d, _ in keys]], pa.string())
    ids = pa.chunked_array([[i for _, i in keys]], pa.string())
    assert _in_order(dates, ids) == all(a <= b for a, b in itertools.pairwise(keys))
    ordered = sorted(keys)
    stored = _Keys(pa.chunked_array([[d for d, _ in ordered]], pa.string()),
                   pa.chunked_array([[i for _, i in ordered]], pa.string()))  # fmt: skip
    assert bisect.bisect_right(stored, new) == bisect.bisect_right(ordered, new)
