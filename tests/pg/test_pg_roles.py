"""Roles and secrets: who may do what to a database store, and passwords never shown.

The read-only role builds the map and pulls the store, and every write is refused in one
line that says which role is needed. The analyst role adds and edits, and cannot alter or
drop a table, nor change, delete or truncate the history. A password is never taken from the
command line or the settings file, and never appears in any output, even when a login fails.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

import build_map
from geo.datasets import DATA_DIR
from tests.pg.conftest import ANALYST_PASSWORD, READER, READER_PASSWORD, PgStore

ROOT = Path(build_map.__file__).resolve().parent
BUNDLED = DATA_DIR / "incidents.csv"
ADD = ["--date", "2020-10-05", "--place", "Ariha", "--type", "shelling", "--source", "T",
       "--no-build"]  # fmt: skip


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = build_map.main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_the_reader_builds_and_every_write_is_refused(
    pg_store: PgStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "store", "push", str(BUNDLED), pg_store.owner)[0] == 0
    reader = pg_store.reader
    code, out, _ = run(capsys, "--store", reader, "--out", str(tmp_path / "out"))
    assert code == 0
    assert "16 incidents" in out
    assert run(capsys, "store", "pull", reader, str(tmp_path / "p.csv"))[0] == 0
    batch = tmp_path / "batch.csv"
    batch.write_text("event_date,location,type,source\n2020-11-01,Saraqib,airstrike,A\n",
                     encoding="utf-8")  # fmt: skip
    export = Path(__file__).resolve().parents[1] / "data" / "acled_current.csv"
    writes = [
        ["add", "--store", reader, *ADD],
        ["add", "--store", reader, "--from", str(batch), "--no-build"],
        ["import-acled", str(export), "--store", reader, "--no-build"],
        ["store", "push", str(BUNDLED), reader],
    ]
    for argv in writes:
        code, _, err = run(capsys, *argv)
        assert code == 1, argv
        assert err.count("\n") == 1, err
        assert f"role '{READER}' may read this store but not change it" in err, err
        assert "idlib_analyst" in err
    # Even straight SQL: the role has no right to write, nor to create anything.
    conninfo = f"host={pg_store.server.socket_dir} dbname={pg_store.database} user={READER}"
    with psycopg.connect(conninfo, password=READER_PASSWORD, autocommit=True) as conn:
        for statement in ("DELETE FROM idlib.incidents",
                          "UPDATE idlib.incidents SET notes = 'x'",
                          ("INSERT INTO idlib.incident_history (event_id_cnty, operation) "
                          "VALUES ('x', 'INSERT')"),
                          "CREATE TABLE idlib.mine (a int)"):  # fmt: skip
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(statement.encode())
    assert run(capsys, "store", "pull", pg_store.owner, str(tmp_path / "after.csv"))[0] == 0
    assert (tmp_path / "after.csv").read_bytes() == BUNDLED.read_bytes()


def test_the_analyst_cannot_alter_tables_or_touch_the_history(
    pg_store: PgStore, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "store", "push", str(BUNDLED), pg_store.analyst, "--analyst", "R")[0] == 0
    assert run(capsys, "add", "--store", pg_store.analyst, *ADD)[0] == 0
    conninfo = f"host={pg_store.server.socket_dir} dbname={pg_store.database} user=rima"
    with psycopg.connect(conninfo, password=ANALYST_PASSWORD, autocommit=True) as conn:
        history = conn.execute("SELECT count(*) FROM idlib.incident_history").fetchone()
        assert history == (17,)
        refused = [
            "ALTER TABLE idlib.incidents ADD COLUMN x text",
            "ALTER TABLE idlib.incidents DROP CONSTRAINT incidents_latitude_check",
            "ALTER TABLE idlib.incidents DISABLE TRIGGER incidents_history_insert",
            "DROP TABLE idlib.incident_history",
            "DELETE FROM idlib.incident_history",
            "UPDATE idlib.incident_history SET analyst = 'someone else'",
            "TRUNCATE idlib.incident_history",
            "TRUNCATE idlib.incidents",
            "DROP TRIGGER incidents_history_update ON idlib.incidents",
            "CREATE TABLE idlib.mine (a int)",
        ]
        for statement in refused:
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(statement.encode())
        # What the role is for: edit and delete incidents, each recorded by the trigger.
        conn.execute("UPDATE idlib.incidents SET notes = 'checked' WHERE event_id_cnty = %s",
                     ["SYR-IDL-000003"])  # fmt: skip
        conn.execute("DELETE FROM idlib.incidents WHERE event_id_cnty = %s", ["SYR-IDL-000004"])
        rows = conn.execute(
            "SELECT operation, db_user FROM idlib.incident_history WHERE change_id > 17 "
            "ORDER BY change_id"
        ).fetchall()
        assert rows == [("UPDATE", "rima"), ("DELETE", "rima")]
    # Not even the owner can rewrite the history (append-only by trigger).
    owner = pg_store.server.conninfo(pg_store.database)
    with psycopg.connect(owner, autocommit=True) as conn:
        for statement in ("DELETE FROM idlib.incident_history", "TRUNCATE idlib.incidents"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only"):
                conn.execute(statement.encode())


SECRET = "Sup3r-Secret-Pa55"  # noqa: S105 - a password that must never be shown


def cli(*argv: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "build_map.py", "-v", *argv], capture_output=True, text=True,
        check=False, cwd=ROOT, env=env, timeout=120,
    )  # fmt: skip


def test_passwords_never_on_the_command_line_or_in_any_output(
    pg_store: PgStore, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    with_password = pg_store.analyst.replace("rima@", f"rima:{SECRET}@")
    config = tmp_path / "idlib-map.toml"
    config.write_text(f'[map]\nstore = "{with_password}"\n', encoding="utf-8")
    out = str(tmp_path / "o")
    refused = [
        run(capsys, "--store", with_password, "--out", out),
        run(capsys, "add", "--store", with_password, *ADD),
        run(capsys, "store", "push", str(BUNDLED), with_password),
        run(capsys, "store", "init", pg_store.owner + f"&password={SECRET}"),
        run(capsys, "--config", str(config), "--out", out),
    ]
    monkeypatch.delenv("PGPASSFILE")
    monkeypatch.setenv("PGPASSWORD", SECRET)  # a wrong password, through libpq's variable
    failed_login = [
        run(capsys, "--store", pg_store.analyst, "--out", out),
        run(capsys, "add", "--store", pg_store.analyst, *ADD),
        run(capsys, "doctor", "--store", pg_store.analyst),
    ]
    verbose = cli("add", "--store", pg_store.analyst, *ADD, env=dict(os.environ))
    for code, stdout, stderr in [*refused, *failed_login,
                                 (verbose.returncode, verbose.stdout, verbose.stderr)]:  # fmt: skip
        assert code != 0
        assert SECRET not in stdout + stderr
    for _, _, stderr in refused[:3]:
        assert "the URL holds a password; nothing was sent" in stderr
        assert "rima:***@" in stderr
        assert stderr.count("\n") == 1
    assert "password=***" in refused[3][2]
    assert "[map] store:" in refused[4][2]
    for _, _, stderr in failed_login[:2]:
        assert "password authentication failed for user" in stderr
        assert stderr.count("\n") == 1
    assert "password authentication failed for user" in verbose.stderr
    # With the right password from PGPASSWORD, the same command works.
    monkeypatch.setenv("PGPASSWORD", ANALYST_PASSWORD)
    assert run(capsys, "add", "--store", pg_store.analyst, *ADD)[0] == 0
