"""Hostile text in every field reaches a database store and its map literally.

The injection corpus (``tests/data/hostile_strings.json``: markup, script, SQL, quotes,
backslashes, COPY's ``\\.`` and ``\\N``, bidi and zero-width characters, formulas, a
10,000-character word …) goes into every text field and the id through ``add --from``,
into a CSV store and into a database store. The database holds each value exactly (values
travel as parameters or through COPY, never inside SQL text), its tables are intact, and
the map and exports built from it are byte for byte those built from the CSV store.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import psycopg

import build_map
from geo.build import MAP_FILENAME
from geo.datasets import DATA_DIR

if TYPE_CHECKING:
    import pytest

    from tests.pg.conftest import PgStore

CORPUS = Path(__file__).resolve().parents[1] / "data" / "hostile_strings.json"
FIELDS = ("location", "source", "source_url", "notes", "tags", "actor1", "assoc_actor_1",
          "actor2", "assoc_actor_2", "source_scale")  # fmt: skip
EXPORTS = (MAP_FILENAME, "incidents_classified.csv", "layers/incidents.geojson", "summary.json")


def corpus() -> list[str]:
    entries = json.loads(CORPUS.read_text(encoding="utf-8"))["strings"]
    return [e["text"] * e.get("repeat", 1) for e in entries if "\x00" not in e["text"]]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = build_map.main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def as_written(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def without_timestamps(path: Path) -> list[list[str]]:
    """The store's records exactly as in the file, its add-time ``timestamp`` blanked."""
    with path.open(encoding="utf-8", newline="") as handle:
        header, *records = list(csv.reader(handle))
    at = header.index("timestamp")
    return [header, *([*r[:at], "", *r[at + 1 :]] for r in records)]


def test_hostile_text_is_stored_and_mapped_literally(
    pg_store: PgStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    strings = corpus()
    n = len(strings)
    rows = []
    for k in range(n):
        values = {f: strings[(k + j) % n] for j, f in enumerate(FIELDS)}
        rows.append({
            "event_id_cnty": f"F{k}:{strings[k]}",
            "event_date": str(dt.date(2018, 1, 1) + dt.timedelta(k)),
            "sub_event_type": "Shelling/artillery/missile attack",
            "latitude": "35.75000", "longitude": "36.55000", **values,
        })  # fmt: skip
    batch = tmp_path / "rows.csv"
    with batch.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)
    csv_store = tmp_path / "incidents.csv"
    shutil.copyfile(DATA_DIR / "incidents.csv", csv_store)
    assert run(capsys, "store", "push", str(csv_store), pg_store.owner)[0] == 0
    for store in (str(csv_store), pg_store.analyst):
        code, out, err = run(capsys, "add", "--from", str(batch), "--store", store,
                             "--no-build")  # fmt: skip
        assert code == 0, err
        assert out.count("added ") == n
    # Every value is in the database exactly as the CSV store holds it.
    pulled = tmp_path / "pulled.csv"
    assert run(capsys, "store", "pull", pg_store.reader, str(pulled))[0] == 0
    assert without_timestamps(pulled) == without_timestamps(csv_store)
    with psycopg.connect(pg_store.server.conninfo(pg_store.database)) as conn:
        stored = {
            row[0]: row[1:]
            for row in conn.execute(
                "SELECT event_id_cnty, location, source, source_url, notes, tags, actor1, "
                "assoc_actor_1, actor2, assoc_actor_2, source_scale FROM idlib.incidents"
            )
        }
        tables = conn.execute(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'idlib'"
        ).fetchone()
        history = conn.execute("SELECT count(*) FROM idlib.incident_history").fetchone()
    assert tables == (4,)
    assert history == (16 + n,)
    for k, row in enumerate(rows):
        # As the CSV store writes them: a CR becomes a line break (LF), a place name stripped.
        expected = [as_written(row[f]) for f in FIELDS]
        expected[0] = expected[0].strip()
        assert list(stored[as_written(row["event_id_cnty"].strip())]) == expected, k
    # The map and exports from the database are those from the CSV it pulls to.
    assert run(capsys, "--store", pg_store.reader, "--out", str(tmp_path / "db"), "-q")[0] == 0
    assert run(capsys, "--store", str(pulled), "--out", str(tmp_path / "csv"), "-q")[0] == 0
    for name in EXPORTS:
        assert (tmp_path / "db" / name).read_bytes() == (tmp_path / "csv" / name).read_bytes()
    # A NUL is refused by both stores, with the same message.
    nul = ["add", "--date", "2020-10-01", "--place", "Ariha", "--type", "ied", "--source",
           "a\x00b", "--no-build"]  # fmt: skip
    csv_err = run(capsys, *nul, "--store", str(csv_store))[2]
    db_err = run(capsys, *nul, "--store", pg_store.analyst)[2]
    assert "contains a NUL character" in db_err
    assert db_err == csv_err.replace(str(csv_store), pg_store.analyst)
