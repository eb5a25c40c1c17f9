"""The tiny demo bank on each real engine, for the engine tests: a pytest plugin.

``pg_bank`` (session scope, per xdist worker, as the PostgreSQL server is) runs
``asker init --scale tiny`` against a database ``bank`` created on the worker's server (asker
itself never creates a database: the test does, as a bank's DBA would); ``spark_bank`` does the
same once per run on the run's shared Spark Connect server (tests/spark.py), under a lock, so
the workers share one load. Both return an ``EngineBank``: the data dir (whose DuckDB file is the
copy the engine was loaded from: an independent source for expected values) and the settings to
reach the engine.
"""

from __future__ import annotations

import fcntl
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from psycopg import sql

from asker import api
from asker.config import Settings
from tests.postgres import PostgresServer

ENGINE_DATABASE = "bank"


@dataclass(frozen=True)
class EngineBank:
    engine: str
    data_dir: Path
    url: str  # holds the test server's password: settings only, never shown

    @property
    def settings(self) -> Settings:
        """The bank's settings on the engine. Spark runs each query as a JVM job: on a loaded
        two-core CI machine one may take longer than the 10 s a banker waits, and the tests
        score answers, not speed (``asker bench`` measures that): Spark gets 120 s."""
        timeout = 120.0 if self.engine == "spark" else Settings().query_timeout_s
        return Settings(data_dir=self.data_dir, warehouse_url=self.url, query_timeout_s=timeout)

    @property
    def duck_file(self) -> Path:
        return self.data_dir / "warehouse.duckdb"


def pg_warehouse_url(server: PostgresServer, database: str = ENGINE_DATABASE) -> str:
    return f"postgresql://asker:{server.password}@127.0.0.1:{server.port}/{database}"


@pytest.fixture(scope="session")
def pg_bank(pg_server: PostgresServer, tmp_path_factory: pytest.TempPathFactory) -> EngineBank:
    with pg_server.connect() as con:
        con.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(ENGINE_DATABASE)))
    url = pg_warehouse_url(pg_server)
    data_dir = tmp_path_factory.mktemp("pg-bank") / "data"
    api.init(Settings(data_dir=data_dir), scale="tiny", seed=42, warehouse_url=url)
    return EngineBank("postgresql", data_dir, url)


@pytest.fixture(scope="session")
def spark_bank(spark_url: str, request: pytest.FixtureRequest) -> Iterator[EngineBank]:
    from tests.spark import _run_root

    root = _run_root(request.config)
    state = root / "bank.json"
    with (root / "bank.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one worker loads the bank; the others reuse it
        if state.exists():
            data_dir = Path(json.loads(state.read_text(encoding="utf-8"))["data_dir"])
        else:
            data_dir = root / "bank"
            api.init(Settings(data_dir=data_dir), scale="tiny", seed=42, warehouse_url=spark_url)
            state.write_text(json.dumps({"data_dir": str(data_dir)}), encoding="utf-8")
    yield EngineBank("spark", data_dir, spark_url)
