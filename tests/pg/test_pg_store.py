"""The database store through the same commands as the CSV store, against a real server.

Round trips (CSV → database → CSV, and the map and exports built from either) are compared
byte for byte; adds give the CSV store's messages and ids; every change is in the history.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import psycopg
import psycopg.sql
import pytest

import build_map
from geo.build import MAP_FILENAME
from geo.datasets import DATA_DIR
from geo.incidents.store import StoreText
from geo.incidents.table import read_table
from geo.store.migrate import init_store, migrations
from geo.store.pg_connect import SCHEMA_VERSION
from geo.store.pg_store import DatabaseStore
from tests.pg.conftest import ANALYST, TEMPLATE, PgStore

if TYPE_CHECKING:
    from tests.pgserver import PgServer

BUNDLED = DATA_DIR / "incidents.csv"
EXPORTS = ("incidents_classified.csv", "layers/incidents.geojson", "summary.json")
ADD = ["--place", "Ariha", "--type", "shelling", "--source", "Test report", "--no-build"]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = build_map.main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def assert_same_outputs(a: Path, b: Path) -> None:
    for name in (MAP_FILENAME, *EXPORTS):
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


def test_round_trip_and_map_are_byte_identical(
    pg_store: PgStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "store", "push", str(BUNDLED), pg_store.owner)
    assert code == 0
    assert "added 16, updated 0, unchanged 0" in out
    pulled = tmp_path / "pulled.csv"
    assert run(capsys, "store", "pull", pg_store.owner, str(pulled))[0] == 0
    assert pulled.read_bytes() == BUNDLED.read_bytes()
    assert run(capsys, "--store", pg_store.reader, "--out", str(tmp_path / "db"), "-q")[0] == 0
    assert run(capsys, "--store", str(BUNDLED), "--out", str(tmp_path / "csv"), "-q")[0] == 0
    assert_same_outputs(tmp_path / "db", tmp_path / "csv")
    # A second push changes nothing; an edited row is updated, and only that one.
    assert "added 0, updated 0, unchanged 16" in run(capsys, "store", "push", str(BUNDLED),
                                                     pg_store.owner)[1]  # fmt: skip
    table = read_table(BUNDLED)
    table.set(3, {"notes": 'corrected, with a, comma and "quotes"\nand a second line'})
    edited = tmp_path / "edited.csv"
    edited.write_text(table.to_csv(), encoding="utf-8")
    assert "added 0, updated 1, unchanged 15" in run(capsys, "store", "push", str(edited),
                                                     pg_store.owner)[1]  # fmt: skip
    assert run(capsys, "store", "pull", pg_store.owner, str(pulled))[0] == 0
    assert pulled.read_bytes() == edited.read_bytes()


def test_extra_columns_and_awkward_text_survive_the_round_trip(
    pg_store: PgStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    table = read_table(BUNDLED)
    awkward = ["", ",", '"', '""', "a\nb", "trailing space ", " ", "\\.", "NULL", "\\N", "ß Ǆ İ",
               "كفرنبل", "😀", "\u2028", "=1+1", "'quoted'", "x" * 5000]  # fmt: skip
    for i in range(len(table)):
        table.set(i, {"notes": awkward[i % len(awkward)], "reviewer": awkward[(i + 3) % 17],
                      "z last, with comma": str(i)})  # fmt: skip
    source = tmp_path / "store.csv"
    source.write_text(table.to_csv(), encoding="utf-8")
    assert run(capsys, "store", "push", str(source), pg_store.owner)[0] == 0
    pulled = tmp_path / "pulled.csv"
    assert run(capsys, "store", "pull", pg_store.owner, str(pulled))[0] == 0
    assert pulled.read_bytes() == source.read_bytes()
    assert run(capsys, "--store", pg_store.owner, "--out", str(tmp_path / "db"), "-q")[0] == 0
    assert run(capsys, "--store", str(source), "--out", str(tmp_path / "csv"), "-q")[0] == 0
    assert_same_outputs(tmp_path / "db", tmp_path / "csv")


def test_adds_give_the_csv_stores_ids_messages_and_history(
    pg_store: PgStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csv_store = tmp_path / "incidents.csv"
    shutil.copyfile(BUNDLED, csv_store)
    assert run(capsys, "store", "push", str(BUNDLED), pg_store.owner)[0] == 0
    for store in (str(csv_store), pg_store.analyst):
        code, out, _ = run(capsys, "add", "--store", store, "--date", "2020-10-02",
                           "--analyst", "Rima K.", *ADD)  # fmt: skip
        assert (code, out.split(":")[0]) == (0, "added SYR-IDL-000017")
    # The same refusals, word for word, with the field at fault.
    bad = [
        ["--date", "2030-01-01", *ADD],
        ["--date", "2020-10-02", *ADD],  # entered twice
        ["--date", "2020-10-03", "--lat", "36.61", "--lon", "35.81", "--type", "shelling",
         "--source", "x", "--no-build"],  # swapped
        ["--date", "2020-10-03", "--fatalities", "-1", *ADD],
    ]  # fmt: skip
    for argv in bad:
        csv_result = run(capsys, "add", "--store", str(csv_store), *argv)
        db_result = run(capsys, "add", "--store", pg_store.analyst, *argv)
        assert csv_result[0] == db_result[0] == 1
        assert db_result[2] == csv_result[2].replace(str(csv_store), pg_store.analyst), argv
    assert "column 'event_date'" in run(capsys, "add", "--store", pg_store.analyst,
                                        *bad[0])[2]  # fmt: skip
    # --force adds the repeat anyway.
    forced = run(capsys, "add", "--store", pg_store.analyst, "--force", *bad[1])
    assert forced[0] == 0
    assert "SYR-IDL-000018" in forced[1]
    # The history: who (the login and the analyst named), when, old and new rows.
    with psycopg.connect(pg_store.server.conninfo(pg_store.database), autocommit=True) as conn:
        conn.execute("UPDATE idlib.incidents SET injured = '4' WHERE event_id_cnty = %s",
                     ["SYR-IDL-000017"])  # fmt: skip
        conn.execute("DELETE FROM idlib.incidents WHERE event_id_cnty = %s", ["SYR-IDL-000018"])
    code, out, _ = run(capsys, "store", "history", "SYR-IDL-000017", "--store", pg_store.reader)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("SYR-IDL-000017: 2 change(s)")
    assert f"INSERT  by {ANALYST} (analyst: Rima K.)" in lines[1]
    assert "    source: 'Test report'" in lines
    assert any("UPDATE  by postgres  change" in line for line in lines)
    assert "    injured: '' → '4'" in lines
    out = run(capsys, "store", "history", "SYR-IDL-000018", "--store", pg_store.reader)[1]
    assert "DELETE  by postgres" in out
    assert "    location: was 'Ariha'" in out
    # A CSV store says it keeps no history.
    code, _, err = run(capsys, "store", "history", "SYR-IDL-000017", "--store", str(csv_store))
    assert code == 1
    assert "keeps no history" in err


def test_add_from_and_import_acled_and_ingest_work_on_the_database(
    pg_store: PgStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "store", "push", str(BUNDLED), pg_store.owner)[0] == 0
    batch = tmp_path / "batch.csv"
    batch.write_text(
        "event_date,location,type,source\n2020-11-01,Saraqib,airstrike,A\n"
        "2020-11-02,Sarmin,ied,B\n2020-11-03,Nowhereville,clash,C\n",
        encoding="utf-8",
    )
    code, _, err = run(capsys, "add", "--from", str(batch), "--store", pg_store.analyst,
                       "--no-build")  # fmt: skip
    assert code == 1
    assert f"{batch}, line 4, column 'location'" in err
    batch.write_text("\n".join(batch.read_text(encoding="utf-8").splitlines()[:3]) + "\n",
                     encoding="utf-8")  # fmt: skip
    code, out, _ = run(capsys, "add", "--from", str(batch), "--store", pg_store.analyst,
                       "--no-build")  # fmt: skip
    assert code == 0
    assert out.count("added SYR-IDL-0000") == 2
    csv_store = tmp_path / "incidents.csv"
    shutil.copyfile(BUNDLED, csv_store)
    export = Path(__file__).resolve().parents[1] / "data" / "acled_current.csv"
    csv_out = run(capsys, "import-acled", str(export), "--store", str(csv_store), "--no-build")
    db_out = run(capsys, "import-acled", str(export), "--store", pg_store.analyst, "--no-build")
    assert db_out == csv_out
    assert run(capsys, "import-acled", str(export), "--store", pg_store.analyst,
               "--no-build")[1].split(": ")[1].startswith("added 0, updated 0")  # fmt: skip
    # ingest names the stored incidents a candidate repeats, from the database too.
    report = tmp_path / "report.txt"
    report.write_text("Warplanes struck Saraqib on Sunday.", encoding="utf-8")
    code, _, _ = run(capsys, "ingest", str(report), "--published", "2020-11-03",
                     "--store", pg_store.reader, "--out", str(tmp_path / "o"))  # fmt: skip
    assert code == 0
    with (tmp_path / "o" / "candidates.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["already_in_store"] for row in rows] == ["SYR-IDL-000017"]


def test_schema_has_geometry_index_checks_and_versions(pg_store: PgStore) -> None:
    conninfo = pg_store.server.conninfo(pg_store.database)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        kind = conn.execute(
            "SELECT format_type(atttypid, atttypmod) FROM pg_attribute "
            "WHERE attrelid = 'idlib.incidents'::regclass AND attname = 'geom'"
        ).fetchone()
        assert kind == ("geometry(Point,4326)",)
        index = conn.execute(
            "SELECT indexdef FROM pg_indexes WHERE schemaname = 'idlib' AND indexname = "
            "'incidents_geom_idx'"
        ).fetchone()
        assert index is not None
        assert "USING gist (geom)" in index[0]
        versions = conn.execute("SELECT version FROM idlib.schema_version").fetchall()
        assert versions == [(m.version,) for m in migrations()]
        assert versions[-1] == (SCHEMA_VERSION,)
        # A write that bypasses the tool still meets the rules (a second line of defence).
        good = {"event_date": "2020-01-01", "event_type": "Explosions/Remote violence",
                "sub_event_type": "Air/drone strike", "location": "x", "latitude": "35.9",
                "longitude": "36.6", "geo_precision": "1", "source": "s"}  # fmt: skip
        insert = "INSERT INTO idlib.incidents ({}) VALUES ({})"
        for column, value in [("geo_precision", "7"), ("latitude", "36.61; DROP"),
                              ("sub_event_type", "Armed clash"), ("fatalities", "-2"),
                              ("event_date", "2020-1-1"), ("notes", "a\rb")]:  # fmt: skip
            row = good | {column: value}
            query = psycopg.sql.SQL(insert).format(
                psycopg.sql.SQL(", ").join(map(psycopg.sql.Identifier, row)),
                psycopg.sql.SQL(", ").join(psycopg.sql.Placeholder() * len(row)),
            )
            # A number that is not one fails already in the point computed from it.
            refused = (psycopg.errors.CheckViolation, psycopg.errors.InvalidTextRepresentation)
            with pytest.raises(refused):
                conn.execute(query, list(row.values()))
        query = psycopg.sql.SQL(insert).format(
            psycopg.sql.SQL(", ").join(map(psycopg.sql.Identifier, good)),
            psycopg.sql.SQL(", ").join(psycopg.sql.Placeholder() * len(good)),
        )
        conn.execute(query, list(good.values()))
        kept = conn.execute("SELECT event_id_cnty, ST_AsText(geom) FROM idlib.incidents").fetchone()
        assert kept is not None
        # Each refused insert above used up a number of the sequence (ids never repeat).
        assert kept[0].startswith("SYR-IDL-00000")
        assert kept[1] == "POINT(36.6 35.9)"
    # init again: nothing to apply.
    assert init_store(pg_store.location()) == (SCHEMA_VERSION, [])


def test_doctor_and_errors_name_the_store(
    pg_store: PgStore, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "store", "push", str(BUNDLED), pg_store.owner)[0] == 0
    code, out, _ = run(capsys, "doctor", "--store", pg_store.reader)
    assert f"ok    database: {pg_store.reader} as publisher: may read (builds maps" in out
    assert "ok    store: 16 valid incidents" in out
    missing = pg_store.url().replace(pg_store.database, "no_such_db")
    code, _, err = run(capsys, "--store", missing, "-q")
    assert code == 1
    assert err.startswith(f"error: {missing}: cannot connect for reading the store:")
    assert err.count("\n") == 1
    other_schema = pg_store.url() + "&schema=elsewhere"
    code, _, err = run(capsys, "add", "--store", other_schema, "--date", "2020-10-02", *ADD)
    assert "no incident store in schema 'elsewhere'" in err
    assert "store init" in err


def test_store_text_is_what_the_build_parses(pg_store: PgStore) -> None:
    text = DatabaseStore(pg_store.location()).read_text()
    assert isinstance(text, StoreText)
    assert text.data == (",".join(read_table(BUNDLED).columns[:30]) + "\n").encode()
    assert json.loads(json.dumps(text.name)) == pg_store.owner


def test_a_push_reports_and_records_only_what_it_changes(
    pg_store: PgStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    table = read_table(BUNDLED)
    for i in range(len(table)):
        table.set(i, {"reviewer": "ok" if i % 2 else ""})
    first = tmp_path / "first.csv"
    first.write_text(table.to_csv(), encoding="utf-8")
    assert "added 16, updated 0, unchanged 0" in run(capsys, "store", "push", str(first),
                                                     pg_store.owner)[1]  # fmt: skip
    table.set(0, {"notes": "a note we changed"})  # one of our columns
    table.set(1, {"reviewer": ""})  # only an extra column, emptied
    table.set(2, {"reviewer": "ok"})  # only an extra column, filled
    new = table.row(3) | {"event_id_cnty": "SYR-IDL-000040", "event_date": "2020-09-30"}
    table.append(new, line=0)
    second = tmp_path / "second.csv"
    second.write_text(table.to_csv(), encoding="utf-8")
    assert "added 1, updated 3, unchanged 13" in run(capsys, "store", "push", str(second),
                                                     pg_store.owner)[1]  # fmt: skip
    pulled = tmp_path / "pulled.csv"
    assert run(capsys, "store", "pull", pg_store.owner, str(pulled))[0] == 0
    assert read_table(pulled).to_csv() == read_table(second).to_csv()
    with psycopg.connect(pg_store.server.conninfo(pg_store.database)) as conn:
        changes = conn.execute(
            "SELECT operation, count(*) FROM idlib.incident_history GROUP BY 1 ORDER BY 1"
        ).fetchall()
    assert changes == [("INSERT", 17), ("UPDATE", 3)]
    # The next add numbers after the highest id pushed.
    code, out, _ = run(capsys, "add", "--store", pg_store.owner, "--date", "2020-10-01", *ADD)
    assert code == 0
    assert "added SYR-IDL-000041" in out


def test_a_populated_version_1_store_is_refused_then_migrated_with_its_rows_and_history(
    pg_server: PgServer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A store made and filled before migration 002 is refused, then ``store init`` updates it."""
    database = "store_v1"
    pg_server.create_database(database, template=TEMPLATE)
    store = PgStore(pg_server, database)
    with monkeypatch.context() as patch:  # the code of version 1: one migration, version 1
        patch.setattr("geo.store.migrate.migrations", lambda: migrations()[:1])
        patch.setattr("geo.store.pg_connect.SCHEMA_VERSION", 1)
        assert init_store(store.location()) == (1, ["001_incidents"])
        assert "added 16" in run(capsys, "store", "push", str(BUNDLED), store.owner)[1]
    code, _, err = run(capsys, "store", "pull", store.owner, str(tmp_path / "refused.csv"))
    assert code != 0
    assert "store init" in err  # today's code refuses the old schema and says what to run
    assert init_store(store.location()) == (SCHEMA_VERSION, ["002_update_history_speed"])
    pulled = tmp_path / "pulled.csv"
    assert run(capsys, "store", "pull", store.owner, str(pulled))[0] == 0
    assert pulled.read_bytes() == BUNDLED.read_bytes()  # every row kept, byte for byte
    edited = read_table(BUNDLED)
    edited.set(0, {"notes": "edited after the migration"})
    changed = tmp_path / "changed.csv"
    changed.write_text(edited.to_csv(), encoding="utf-8")
    assert "updated 1" in run(capsys, "store", "push", str(changed), store.owner)[1]
    with psycopg.connect(pg_server.conninfo(database)) as conn:
        history = conn.execute(
            "SELECT operation, count(*) FROM idlib.incident_history GROUP BY 1 ORDER BY 1"
        ).fetchall()
    assert history == [("INSERT", 16), ("UPDATE", 1)]  # the old trigger's rows, then the new
