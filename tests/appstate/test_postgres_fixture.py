"""The throwaway PostgreSQL server of tests/postgres.py: what it gives, and how it goes away."""

from __future__ import annotations

import os

import psycopg
import pytest
from sqlalchemy import create_engine, text

from tests import postgres
from tests.postgres import PostgresServer


def test_the_server_is_private_to_the_test_session(pg_server: PostgresServer, pg_url: str) -> None:
    engine = create_engine(pg_url)
    try:
        with engine.connect() as con:
            assert con.execute(text("SHOW listen_addresses")).scalar() == "127.0.0.1"
            assert con.execute(text("SHOW server_encoding")).scalar() == "UTF8"
            assert con.execute(text("SELECT current_user, current_database()")).one() == (
                "asker",
                "asker",
            )
            superuser = "SELECT rolsuper FROM pg_roles WHERE rolname = current_user"
            assert con.execute(text(superuser)).scalar() is False
    finally:
        engine.dispose()
    assert pg_server.root is not None and str(pg_server.root) not in pg_url


def test_a_wrong_password_is_refused(pg_server: PostgresServer) -> None:
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        psycopg.connect(
            host="127.0.0.1", port=pg_server.port, user="asker", password="x", dbname="asker"
        )


def test_stopping_removes_the_server_and_its_directory(pg_server: PostgresServer) -> None:
    server = PostgresServer(pg_server.bin_dir)
    server.start()
    root, port = server.root, server.port
    assert root is not None and (root / "data" / "postmaster.pid").exists()
    server.stop()
    assert not root.exists() and server.root is None
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(host="127.0.0.1", port=port, user="asker", dbname="asker")
    server.stop()  # a second stop does nothing


def test_missing_binaries_skip_locally_and_fail_on_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(postgres, "find_bin_dir", lambda: None)
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="apt-get install postgresql"):
        postgres._check_can_run()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="apt-get install postgresql"):
        postgres._check_can_run()


@pytest.mark.skipif(os.geteuid() != 0, reason="the postgres OS user matters only as root")
def test_as_root_the_server_runs_as_the_postgres_user(pg_server: PostgresServer) -> None:
    assert pg_server.root is not None
    assert (pg_server.root / "data").stat().st_uid == postgres.pwd.getpwnam("postgres").pw_uid
