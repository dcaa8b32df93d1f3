"""A throw-away PostgreSQL server with PostGIS for the database tests and benchmarks.

The server runs from Debian's binaries (``scripts/install_postgres.sh`` installs them as root)
in a temporary folder, listening on a Unix socket in that folder only (no TCP port). As root
it runs as the ``postgres`` system user, since PostgreSQL refuses to run as root. The
superuser logs in without a password; every other role needs one (scram-sha-256), given
through PGPASSWORD or a password file as a user would.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import subprocess
import tempfile
import urllib.parse
from pathlib import Path

import psycopg
from psycopg import sql

_SERVER_OPTIONS = ("-c listen_addresses='' -c max_connections=60 -c shared_buffers=64MB "
                   "-c log_min_messages=warning -c log_statement=none")  # fmt: skip


class ServerUnavailableError(RuntimeError):
    """No PostgreSQL with PostGIS can be started here."""


def find_bin_dir() -> Path:
    """Return the newest PostgreSQL bin folder whose version has PostGIS installed."""
    for bin_dir in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        version = bin_dir.parent.name
        if Path(f"/usr/share/postgresql/{version}/extension/postgis.control").exists():
            return bin_dir
    msg = "no PostgreSQL with PostGIS (Debian: postgresql-postgis; `make test` installs it as root)"
    raise ServerUnavailableError(msg)


class PgServer:
    """One server in its own folder; ``url()`` names a database in it."""

    def __init__(self, *, fast: bool = True) -> None:
        self.bin_dir = find_bin_dir()
        self.root = Path(tempfile.mkdtemp(prefix="idlib-pg-"))
        self.data = self.root / "data"
        self.socket_dir = self.root
        self.log = self.root / "server.log"
        self.as_root = os.geteuid() == 0
        self.superuser = "postgres" if self.as_root else pwd.getpwuid(os.geteuid()).pw_name
        # fsync off is safe for the tests' purpose: a killed server loses nothing the OS
        # holds; only a power cut would. The crash test uses a server with it on.
        self.options = _SERVER_OPTIONS + (" -c fsync=off -c full_page_writes=off" if fast else "")
        if self.as_root:
            account = pwd.getpwnam("postgres")
            os.chown(self.root, account.pw_uid, account.pw_gid)
        self._run("initdb", "-D", str(self.data), "-U", self.superuser, "-E", "UTF8",
                  "--locale=C.UTF-8", "-A", "trust",
                  "--no-sync")  # fmt: skip
        hba = self.data / "pg_hba.conf"
        hba.write_text(
            f"local all {self.superuser} trust\nlocal all all scram-sha-256\n", encoding="utf-8"
        )
        self.start()

    def _run(self, tool: str, *args: str) -> subprocess.CompletedProcess[str]:
        command = [str(self.bin_dir / tool), *args]
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, check=False, timeout=120)
        if result.returncode != 0:
            log = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            msg = f"{tool} failed: {result.stderr.strip()[-2000:]}\n{log}"
            raise ServerUnavailableError(msg)
        return result

    def start(self) -> None:
        """Start the server and wait until it accepts connections."""
        options = f"{self.options} -k {self.socket_dir}"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "-t",
                  "60", "start")  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        """Stop the server (``immediate`` kills it as a crash would)."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def destroy(self) -> None:
        """Stop the server if it runs, and delete its folder."""
        with contextlib.suppress(ServerUnavailableError):
            self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)

    def url(self, database: str, *, user: str | None = None, schema: str | None = None) -> str:
        """Return the store URL of ``database`` (as ``user``, default the superuser)."""
        query = {"host": str(self.socket_dir)}
        if schema:
            query["schema"] = schema
        who = urllib.parse.quote(user or self.superuser)
        return f"postgresql://{who}@/{database}?{urllib.parse.urlencode(query, safe='/')}"

    def conninfo(self, database: str = "postgres") -> str:
        """Return a superuser conninfo for ``database`` (for the tests' own setup)."""
        return f"host={self.socket_dir} dbname={database} user={self.superuser}"

    def execute(self, statement: sql.Composed | str, database: str = "postgres") -> None:
        """Run one statement (a trusted text of the tests') as the superuser, in autocommit."""
        with psycopg.connect(self.conninfo(database), autocommit=True) as conn:
            conn.execute(statement.encode() if isinstance(statement, str) else statement)

    def create_database(self, name: str, *, template: str | None = None) -> None:
        """Create database ``name`` (from ``template`` if given)."""
        statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template:
            statement = sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(name), sql.Identifier(template)
            )
        self.execute(statement)

    def create_login(self, name: str, password: str, *, member_of: str | None = None) -> None:
        """Create a login role with a password (and a group role)."""
        with psycopg.connect(self.conninfo(), autocommit=True) as conn:
            conn.execute(
                sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
                    sql.Identifier(name), sql.Literal(password)
                )
            )
            if member_of:
                conn.execute(
                    sql.SQL("GRANT {} TO {}").format(
                        sql.Identifier(member_of), sql.Identifier(name)
                    )
                )
