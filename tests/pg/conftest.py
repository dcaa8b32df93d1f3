"""A real PostgreSQL with PostGIS for the database store's tests, started once per session.

The server comes from Debian's packages (``make test`` installs them as root, like
chromium); when it cannot be had (not root, not Debian) every test here is skipped with one
line saying why, except under CI (``CI=true``), where that is a failure. Each test gets its
own database, made from a template that already holds PostGIS, with the store initialised
and its roles granted.
"""

from __future__ import annotations

import itertools
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pytest

from geo.store.location import DatabaseLocation, parse_location
from geo.store.migrate import init_store
from geo.store.roles import create_roles
from tests.pgserver import PgServer, ServerUnavailableError

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

TEMPLATE = "idlib_template"
#: Login roles every test database grants (passwords are given through PGPASSFILE).
ANALYST, ANALYST_PASSWORD = "rima", "analyst-Secret-9f3"
READER, READER_PASSWORD = "publisher", "reader-Secret-4c1"
_NUMBERS = itertools.count(1)


@pytest.fixture(scope="session")
def pg_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PgServer]:
    try:
        server = PgServer()
    except ServerUnavailableError as exc:
        reason = f"database tests need PostgreSQL with PostGIS: {str(exc).splitlines()[0]}"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason} (CI must run them: make test installs it as root)")
        pytest.skip(reason)
    server.create_database(TEMPLATE)
    server.execute("CREATE EXTENSION postgis", TEMPLATE)
    server.create_login(ANALYST, ANALYST_PASSWORD)
    server.create_login(READER, READER_PASSWORD)
    passfile = tmp_path_factory.mktemp("pgpass") / "pgpass"
    passfile.write_text(
        f"*:*:*:{ANALYST}:{ANALYST_PASSWORD}\n*:*:*:{READER}:{READER_PASSWORD}\n", encoding="utf-8"
    )
    passfile.chmod(0o600)
    os.environ["PGPASSFILE"] = str(passfile)  # libpq's usual place for passwords
    yield server
    server.destroy()


@dataclass(frozen=True)
class PgStore:
    """A fresh, initialised store: its URLs as the owner, the analyst and the reader."""

    server: PgServer
    database: str

    def url(self, user: str | None = None) -> str:
        return self.server.url(self.database, user=user)

    def location(self, user: str | None = None) -> DatabaseLocation:
        location = parse_location(self.url(user))
        assert isinstance(location, DatabaseLocation)
        return location

    @property
    def owner(self) -> str:
        return self.url()

    @property
    def analyst(self) -> str:
        return self.url(ANALYST)

    @property
    def reader(self) -> str:
        return self.url(READER)


def new_store(server: PgServer) -> PgStore:
    """Create a database with an initialised store and roles granted to the test logins."""
    database = f"store_{os.getpid()}_{next(_NUMBERS)}"
    server.create_database(database, template=TEMPLATE)
    store = PgStore(server, database)
    init_store(store.location())
    create_roles(store.location())
    server.execute(f"GRANT idlib_analyst TO {ANALYST}; GRANT idlib_reader TO {READER}")
    return store


@pytest.fixture
def pg_store(pg_server: PgServer) -> PgStore:
    return new_store(pg_server)


@pytest.fixture
def out(tmp_path: Path) -> Path:
    return tmp_path / "out"
