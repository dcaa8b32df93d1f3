"""Figures and charts drawn from a database store are those drawn from the same CSV store."""

from __future__ import annotations

from typing import TYPE_CHECKING

import build_map
from geo.datasets import DATA_DIR

if TYPE_CHECKING:
    from pathlib import Path

    import pytest

    from tests.pg.conftest import PgStore

BUNDLED = DATA_DIR / "incidents.csv"


def test_figure_and_chart_from_the_database_match_the_csv(
    pg_store: PgStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert build_map.main(["store", "push", str(BUNDLED), pg_store.owner]) == 0
    for kind, ext in (("figure", "svg"), ("figure", "png"), ("chart", "svg")):
        from_db, from_csv = tmp_path / f"db.{kind}.{ext}", tmp_path / f"csv.{kind}.{ext}"
        # The read-only role is enough to draw: a figure only reads the store.
        assert build_map.main([kind, "--store", pg_store.reader, "--out", str(from_db)]) == 0
        assert build_map.main([kind, "--store", str(BUNDLED), "--out", str(from_csv)]) == 0
        assert from_db.read_bytes() == from_csv.read_bytes(), from_db.name
    assert "wrote" in capsys.readouterr().out


def test_figure_takes_the_store_from_the_settings_file(
    pg_store: PgStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert build_map.main(["store", "push", str(BUNDLED), pg_store.owner]) == 0
    config = tmp_path / "idlib-map.toml"
    config.write_text(f'[map]\nstore = "{pg_store.reader}"\n', encoding="utf-8")
    out = tmp_path / "chart.svg"
    assert build_map.main(["chart", "--config", str(config), "--out", str(out)]) == 0
    assert "16 of 16 incidents" in capsys.readouterr().out


def test_figure_from_an_unreachable_database_is_one_clear_error(
    pg_store: PgStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = pg_store.url().replace(pg_store.database, "no_such_database")
    out = tmp_path / "map.png"
    assert build_map.main(["figure", "--store", url, "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ")
    assert "no_such_database" in err
    assert len(err.strip().splitlines()) == 1
    assert not out.exists()
