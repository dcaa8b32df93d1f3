"""Where the incident store is: a CSV file, or a PostgreSQL database given by a libpq URL.

A store given as ``postgresql://…`` (or ``postgres://…``) is a database; anything else is a
file path. The URL is libpq's own (host, port, user, database, and any libpq parameter such
as ``service``, ``sslmode`` or a socket folder as ``host=/run/postgresql``), plus one
parameter of ours, ``schema`` (default ``idlib``): the PostgreSQL schema that holds the store,
so several stores can share a database. A service from ``pg_service.conf`` is
``postgresql:///?service=team``.

Passwords never appear in a URL: one that holds a password (``user:secret@`` or
``password=``) is refused, and the error shows it with the password masked. libpq takes the
password from ``PGPASSWORD``, ``~/.pgpass`` or a service file, as usual.
"""

from __future__ import annotations

import re
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

from geo.errors import DataFileError

DATABASE_SCHEMES = ("postgresql", "postgres")
DEFAULT_SCHEMA = "idlib"
#: libpq parameters that carry a secret: refused in a URL.
_SECRET_PARAMETERS = frozenset({"password", "sslpassword"})
_SCHEMA_NAME = re.compile(r"[a-z_][a-z0-9_]{0,40}")
#: ``scheme://user:password@`` in any text, and ``password=value`` pairs.
_URL_PASSWORD = re.compile(r"(\b[a-z][a-z0-9+.-]*://[^/@\s:]*):[^@/\s]*@", re.IGNORECASE)
_PARAMETER_PASSWORD = re.compile(r"\b((?:ssl)?password\s*=\s*)('[^']*'|[^\s&]+)", re.IGNORECASE)
MASK = "***"


class StoreLocationError(DataFileError):
    """A store location that cannot be used (a password in the URL, a bad schema name)."""


@dataclass(frozen=True, slots=True)
class DatabaseLocation:
    """A store in PostgreSQL: what libpq gets, the schema, and how messages name it."""

    #: The URL given to libpq: our own ``schema`` parameter removed; never a password.
    conninfo: str
    #: The PostgreSQL schema holding the store's tables.
    schema: str

    def __str__(self) -> str:
        """Return the URL as given (it holds no password), for messages."""
        return self.display

    @property
    def display(self) -> str:
        """The URL with the schema named when it is not the default."""
        if self.schema == DEFAULT_SCHEMA:
            return self.conninfo
        joiner = "&" if "?" in self.conninfo else "?"
        return f"{self.conninfo}{joiner}schema={self.schema}"


def is_database_url(text: str) -> bool:
    """Return whether ``text`` names a database store rather than a file.

    Examples
    --------
    >>> is_database_url("postgresql:///?service=team"), is_database_url("data/incidents.csv")
    (True, False)
    """
    scheme, sep, _ = text.partition("://")
    return bool(sep) and scheme.lower() in DATABASE_SCHEMES


def parse_location(text: str | Path, *, base: Path | None = None) -> Path | DatabaseLocation:
    """Return the store ``text`` names: a file path, or a :class:`DatabaseLocation`.

    Parameters
    ----------
    text
        A path, or a ``postgresql://`` URL.
    base
        Folder a relative path is taken from (the settings file's); None leaves it as given.

    Raises
    ------
    StoreLocationError
        The URL holds a password, or its ``schema`` is not a plain lower-case name.

    Examples
    --------
    >>> parse_location("postgresql://analyst@db.example/monitoring?schema=idlib_2024")
    DatabaseLocation(conninfo='postgresql://analyst@db.example/monitoring', schema='idlib_2024')
    >>> parse_location("postgresql://analyst:hunter2@db.example/monitoring")
    Traceback (most recent call last):
    ...
    geo.store.location.StoreLocationError: postgresql://analyst:***@db.example/monitoring: \
the URL holds a password; ...
    """
    if isinstance(text, Path) or not is_database_url(text):
        path = Path(text)
        return base / path if base is not None and not path.is_absolute() else path
    return _parse_url(text)


def _parse_url(text: str) -> DatabaseLocation:
    parts = urllib.parse.urlsplit(text)
    query = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
    secret = parts.password is not None or any(k.lower() in _SECRET_PARAMETERS for k, _ in query)
    if secret:
        msg = (
            f"{redact(text)}: the URL holds a password; nothing was sent. Remove it and give "
            "the password through PGPASSWORD, ~/.pgpass or a service file (pg_service.conf)"
        )
        raise StoreLocationError(msg)
    schemas = [value for key, value in query if key == "schema"]
    schema = schemas[-1] if schemas else DEFAULT_SCHEMA
    if not _SCHEMA_NAME.fullmatch(schema):
        msg = (
            f"{redact(text)}: schema {schema!r} must be a lower-case name of letters, digits "
            "and _ (at most 41 characters), e.g. schema=idlib"
        )
        raise StoreLocationError(msg)
    kept = urllib.parse.urlencode([(k, v) for k, v in query if k != "schema"], safe="/:,")
    # Joined by hand: urlunsplit would drop the empty authority of postgresql:///db.
    conninfo = f"{parts.scheme}://{parts.netloc}{parts.path}" + (f"?{kept}" if kept else "")
    return DatabaseLocation(conninfo=conninfo, schema=schema)


def redact(text: str) -> str:
    """Return ``text`` with every password in a URL or ``password=`` pair masked.

    Examples
    --------
    >>> redact("postgresql://me:s3cret@host/db and password=s3cret")
    'postgresql://me:***@host/db and password=***'
    """
    text = _URL_PASSWORD.sub(rf"\1:{MASK}@", text)
    return _PARAMETER_PASSWORD.sub(rf"\1{MASK}", text)
