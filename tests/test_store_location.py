"""Store locations without a server: paths and URLs, passwords refused and masked, settings.

Also: the schema's CHECK lists are the validator's, and a CSV user's commands never import
the database client.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from geo.config import load_config
from geo.errors import DataFileError
from geo.incidents.schema import DISORDER_TYPES, EVENT_TYPES
from geo.store.location import (
    DatabaseLocation,
    StoreLocationError,
    is_database_url,
    parse_location,
    redact,
)

SQL = Path(__file__).resolve().parents[1] / "geo" / "store" / "sql" / "001_incidents.sql"


@pytest.mark.parametrize(
    ("text", "conninfo", "schema"),
    [
        ("postgresql:///?service=team", "postgresql:///?service=team", "idlib"),
        ("postgres://rima@db.example:5433/monitoring", "postgres://rima@db.example:5433/monitoring",
         "idlib"),
        ("postgresql://rima@/m?host=/run/postgresql&schema=idlib_2024&sslmode=require",
         "postgresql://rima@/m?host=/run/postgresql&sslmode=require", "idlib_2024"),
        ("POSTGRESQL://h/d", "postgresql://h/d", "idlib"),
    ],
)  # fmt: skip
def test_database_urls(text: str, conninfo: str, schema: str) -> None:
    location = parse_location(text)
    assert location == DatabaseLocation(conninfo=conninfo, schema=schema)
    assert is_database_url(text)


def test_paths_stay_paths(tmp_path: Path) -> None:
    assert parse_location("data/incidents.csv") == Path("data/incidents.csv")
    assert parse_location("mine.csv", base=tmp_path) == tmp_path / "mine.csv"
    assert parse_location("/abs/x.csv", base=tmp_path) == Path("/abs/x.csv")
    assert not is_database_url("postgresql.csv")
    assert not is_database_url("http://example.org/store.csv")


@pytest.mark.parametrize(
    "text",
    [
        "postgresql://rima:hunter2@db/m",
        "postgresql://rima:@db/m",
        "postgresql://db/m?password=hunter2",
        "postgresql://db/m?sslpassword=hunter2&sslmode=require",
    ],
)
def test_a_password_in_the_url_is_refused_and_masked(text: str) -> None:
    with pytest.raises(StoreLocationError) as caught:
        parse_location(text)
    message = str(caught.value)
    assert "hunter2" not in message
    assert "the URL holds a password; nothing was sent" in message
    assert "PGPASSWORD" in message


def test_redact_masks_every_password() -> None:
    assert redact("x postgresql://a:b@h/d y") == "x postgresql://a:***@h/d y"
    assert redact("host=h password='s e c' user=u") == "host=h password=*** user=u"
    assert redact("no secret here") == "no secret here"


def test_a_bad_schema_name_is_refused() -> None:
    with pytest.raises(StoreLocationError, match="schema 'Idlib; DROP'"):
        parse_location("postgresql://h/d?schema=Idlib;%20DROP")


def test_settings_file_store(tmp_path: Path) -> None:
    config = tmp_path / "idlib-map.toml"
    config.write_text('[map]\nstore = "postgresql:///?service=team"\n', encoding="utf-8")
    assert load_config(config).store == DatabaseLocation("postgresql:///?service=team", "idlib")
    config.write_text('[map]\nstore = "mine.csv"\n', encoding="utf-8")
    assert load_config(config).store == tmp_path.resolve() / "mine.csv"
    config.write_text('[map]\nincidents = "old.csv"\n', encoding="utf-8")
    assert load_config(config).store == tmp_path.resolve() / "old.csv"
    config.write_text('[map]\nstore = "postgresql://u:pw123@h/d"\n', encoding="utf-8")
    with pytest.raises(DataFileError) as caught:
        load_config(config)
    assert "pw123" not in str(caught.value)
    assert "[map] store:" in str(caught.value)
    config.write_text('[map]\nstore = "a.csv"\nincidents = "b.csv"\n', encoding="utf-8")
    with pytest.raises(DataFileError, match="both store and incidents"):
        load_config(config)


def test_the_schema_checks_list_the_validators_codes() -> None:
    text = SQL.read_text(encoding="utf-8")
    pairs = set(re.findall(r"\('([^']+)', '([^']+)'\)", text))
    assert pairs == {(event, sub) for event, subs in EVENT_TYPES.items() for sub in subs}
    disorder = re.search(r"disorder_type IN \((.*?)\)\)", text, flags=re.DOTALL)
    assert disorder is not None
    assert set(re.findall(r"'([^']*)'", disorder[1])) == {"", *DISORDER_TYPES}


def test_a_csv_store_never_loads_the_database_client() -> None:
    code = (
        "import sys, build_map\n"
        "from geo.store.open import open_store\n"
        "from pathlib import Path\n"
        "store = open_store(Path('data/incidents.csv'))\n"
        "store.read_text(); store.table()\n"
        "print('psycopg' in sys.modules)\n"
    )
    root = Path(__file__).resolve().parents[1]
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=root, check=True, timeout=120)  # fmt: skip
    assert result.stdout.strip() == "False"
