"""A throwaway PostgreSQL server for tests: a pytest plugin (`pytest_plugins = ["tests.postgres"]`).

``pg_url`` (session scope, so one server per xdist worker) starts a real server from the
PostgreSQL binaries on this machine, in a new temporary directory, listening on 127.0.0.1 on a
free port, and yields the SQLAlchemy URL of an empty database ``asker`` owned by a non-superuser
role ``asker`` (password authentication, as in production). ``pg_database_url`` (function scope)
is a fresh empty database on that server, dropped afterwards. The server is stopped and its
directory removed at the end of the session, also when tests fail; a server started by hand is
never used.

initdb refuses to run as root, and CI runs as root: as root the server runs as the ``postgres``
OS user (``runuser -u postgres --``); otherwise as the current user. Durability is off (no
fsync), which makes start-up take about a second.

The binaries are looked up in ``$ASKER_TEST_PG_BIN``, on ``PATH`` (``pg_ctl``), then in Debian's
``/usr/lib/postgresql/<version>/bin``. Without them the tests are skipped, or fail when
``CI=true``.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn

import psycopg
import pytest
from psycopg import sql
from sqlalchemy.engine import URL, make_url

BIN_ENV = "ASKER_TEST_PG_BIN"
INSTALL_HINT = (
    f"install the server (apt-get install postgresql) or point {BIN_ENV} at its bin directory"
)
ROLE = "asker"
DATABASE = "asker"
SUPERUSER = "postgres"
OS_USER = "postgres"  # runs the server when the tests run as root

# Speed over durability: a crash loses nothing a test needs.
SERVER_SETTINGS = {
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "wal_level": "minimal",
    "max_wal_senders": "0",
    "shared_buffers": "16MB",
    "max_connections": "50",
    "autovacuum": "off",
    "log_min_messages": "warning",
}


def find_bin_dir() -> Path | None:
    """The directory holding initdb and pg_ctl, or None."""
    candidates: list[Path] = []
    if os.environ.get(BIN_ENV):
        candidates.append(Path(os.environ[BIN_ENV]))
    on_path = shutil.which("pg_ctl")
    if on_path:
        candidates.append(Path(on_path).resolve().parent)
    debian = Path("/usr/lib/postgresql").glob("*/bin")
    candidates += sorted(debian, key=lambda p: _version_key(p.parent.name), reverse=True)
    for directory in candidates:
        if (directory / "initdb").is_file() and (directory / "pg_ctl").is_file():
            return directory
    return None


def _version_key(name: str) -> tuple[int, ...]:
    return tuple(int(part) for part in name.split(".") if part.isdigit())


def unavailable(reason: str) -> NoReturn:
    """Skip, or fail on CI, where a missing server must not pass silently."""
    message = f"PostgreSQL tests cannot run: {reason}; {INSTALL_HINT}"
    if os.environ.get("CI", "").strip().lower() in ("true", "1", "yes"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class PostgresServer:
    """One temporary server. ``start`` then ``stop`` (which also cleans up a failed start)."""

    def __init__(self, bin_dir: Path) -> None:
        self.bin_dir = bin_dir
        self.as_root = os.geteuid() == 0
        self.root: Path | None = None
        self.port = 0
        self.password = secrets.token_urlsafe(16)
        self.started_in = 0.0  # seconds from initdb to a database ready for connections

    @property
    def data(self) -> Path:
        assert self.root is not None
        return self.root / "data"

    @property
    def url(self) -> str:
        """The SQLAlchemy URL of the ``asker`` database, as the ``asker`` role."""
        return self._url(ROLE, DATABASE).render_as_string(hide_password=False)

    def _url(self, user: str, database: str) -> URL:
        return URL.create(
            "postgresql+psycopg",
            username=user,
            password=self.password,
            host="127.0.0.1",
            port=self.port,
            database=database,
        )

    def start(self) -> None:
        began = time.monotonic()
        self.root = Path(tempfile.mkdtemp(prefix="asker-pg-"))
        pwfile = self.root / "pwfile"
        pwfile.write_text(self.password + "\n", encoding="utf-8")
        pwfile.chmod(0o600)
        if self.as_root:
            owner = pwd.getpwnam(OS_USER)
            for path in (self.root, pwfile):
                os.chown(path, owner.pw_uid, owner.pw_gid)
        self._run(
            "initdb",
            "--pgdata", str(self.data),
            "--username", SUPERUSER,
            "--pwfile", str(pwfile),
            "--auth-local", "trust",
            "--auth-host", "scram-sha-256",
            "--encoding", "UTF8",
            "--locale", "C",
            "--no-sync",
        )  # fmt: skip
        pwfile.unlink()
        self._start_on_a_free_port()
        self._create_database()
        self.started_in = time.monotonic() - began

    def _start_on_a_free_port(self, attempts: int = 5) -> None:
        assert self.root is not None
        log = self.root / "server.log"
        for _ in range(attempts):
            self.port = _free_port()  # another process may take it first: then try again
            settings = {
                **SERVER_SETTINGS,
                "listen_addresses": "127.0.0.1",
                "port": str(self.port),
                "unix_socket_directories": str(self.root),
            }
            options = " ".join(f"-c {shlex.quote(f'{k}={v}')}" for k, v in settings.items())
            done = self._run(
                "pg_ctl", "start", "--pgdata", str(self.data), "--log", str(log),
                "--wait", "--timeout", "60", "--options", options,
                check=False,
            )  # fmt: skip
            if done.returncode == 0:
                return
            text = log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""
            if "could not bind" not in text and "already in use" not in text:
                raise RuntimeError(f"PostgreSQL did not start:\n{done.stdout}\n{text}")
        raise RuntimeError(f"PostgreSQL found no free port in {attempts} attempts")

    def connect(self, database: str = DATABASE, user: str = ROLE) -> psycopg.Connection:
        """A plain psycopg connection in autocommit mode (for CREATE/DROP DATABASE)."""
        return psycopg.connect(
            host="127.0.0.1",
            port=self.port,
            user=user,
            password=self.password,
            dbname=database,
            autocommit=True,
            connect_timeout=10,
        )

    def _create_database(self) -> None:
        with self.connect("postgres", SUPERUSER) as con:
            con.execute(
                sql.SQL("CREATE ROLE {} LOGIN CREATEDB PASSWORD {}").format(
                    sql.Identifier(ROLE), sql.Literal(self.password)
                )
            )
            con.execute(
                sql.SQL("CREATE DATABASE {} OWNER {}").format(
                    sql.Identifier(DATABASE), sql.Identifier(ROLE)
                )
            )

    def stop(self) -> None:
        """Stop the server (fast, then immediate, then SIGKILL) and remove its directory."""
        if self.root is None:
            return
        try:
            if (self.data / "postmaster.pid").exists():
                for mode in ("fast", "immediate"):
                    stopped = self._run(
                        "pg_ctl", "stop", "--pgdata", str(self.data), "--mode", mode,
                        "--wait", "--timeout", "30",
                        check=False,
                    )  # fmt: skip
                    if stopped.returncode == 0:
                        break
                else:
                    self._kill()
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
            self.root = None

    def _kill(self) -> None:
        with contextlib.suppress(OSError, ValueError, IndexError):
            lines = (self.data / "postmaster.pid").read_text(encoding="utf-8").splitlines()
            os.kill(int(lines[0]), signal.SIGKILL)

    def _run(self, tool: str, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        assert self.root is not None
        command = [str(self.bin_dir / tool), *args]
        if self.as_root:
            command = ["runuser", "-u", OS_USER, "--", *command]
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        done = subprocess.run(
            command,
            cwd=self.root,
            env={**env, "LC_ALL": "C"},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=120,
            check=False,
        )
        if check and done.returncode != 0:
            raise RuntimeError(f"{shlex.join(command)} failed ({done.returncode}):\n{done.stdout}")
        return done


def _check_can_run() -> Path:
    bin_dir = find_bin_dir()
    if bin_dir is None:
        unavailable("no initdb/pg_ctl found")
    if os.geteuid() == 0:
        try:
            pwd.getpwnam(OS_USER)
        except KeyError:
            unavailable(f"running as root needs the {OS_USER!r} OS user, which does not exist")
        if shutil.which("runuser") is None:
            unavailable("running as root needs runuser (util-linux)")
    return bin_dir


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PostgresServer]:
    """The session's (the xdist worker's) own PostgreSQL server."""
    server = PostgresServer(_check_can_run())
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def pg_url(pg_server: PostgresServer) -> str:
    """``postgresql+psycopg://asker:…@127.0.0.1:PORT/asker``: an empty database for the session."""
    return pg_server.url


@pytest.fixture
def pg_database_url(pg_server: PostgresServer) -> Iterator[str]:
    """A new empty database for one test (owned by ``asker``), dropped after it."""
    name = f"test_{uuid.uuid4().hex[:16]}"
    with pg_server.connect() as con:
        con.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield make_url(pg_server.url).set(database=name).render_as_string(hide_password=False)
    finally:
        with pg_server.connect() as con:
            con.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
