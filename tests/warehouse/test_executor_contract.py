"""One ``ExecutorContract``, written once, run against every engine: DuckDB (the tiny demo bank),
PostgreSQL and Spark Connect (the same bank loaded into each, tests/engines.py).

Expected values come from the DuckDB file each engine was loaded from, read with plain duckdb
(not through any executor): an independent copy of the data. Statements that bypass the gate
are handed straight to the executor: read-only must hold there too (by the session on DuckDB and
PostgreSQL; Spark Connect has no read-only session, so there only the gate keeps writes out).
"""

from __future__ import annotations

import shutil
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import duckdb
import pytest
import sqlglot

from asker.access.policy import load_policy
from asker.access.scope import load_org_directory
from asker.api import limits
from asker.config import Settings
from asker.errors import AskerError, ConfigError, InvalidSql, QueryLimit
from asker.gate import gate
from asker.types import Principal, QueryResult
from asker.warehouse.catalog import load_catalog
from asker.warehouse.engine import Executor, open_warehouse
from asker.warehouse.url import open_executor, parse_warehouse_url
from tests.engines import EngineBank

SECRET = "s3cr3t-Value-42"  # appears in a failing statement: must never come back in a message
# About 8 * 10^15 rows: hours on any of the engines; the timeout must stop it on the server.
BOMB = (
    "SELECT sum(a.amount + b.amount + c.amount) AS s "
    "FROM fact_transaction AS a, fact_transaction AS b, fact_transaction AS c"
)


def tree(sql: str) -> Any:
    return sqlglot.parse_one(sql, dialect="duckdb")


def duck_rows(duck_file: Path, sql: str) -> list[tuple[Any, ...]]:
    con = duckdb.connect(str(duck_file), read_only=True)
    try:
        return [tuple(r) for r in con.execute(sql).fetchall()]
    finally:
        con.close()


def _closed_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port  # closed when the socket is


class ExecutorContract:
    """What every executor promises. Subclasses provide ``executor`` and ``duck_file``."""

    engine: ClassVar[str]
    read_only_session: ClassVar[bool] = True
    down_url: ClassVar[str | None] = None  # a URL of this engine where nothing listens

    def test_runs_a_gated_shape_and_returns_what_duckdb_has(
        self, executor: Executor, duck_file: Path
    ) -> None:
        sql = (
            'SELECT o."org_name" AS "name", count(*) AS n, sum(d.balance) AS total '
            'FROM (SELECT "org_id", "balance", "biz_date" FROM "main"."fact_deposit_balance_daily")'
            ' AS d JOIN (SELECT "org_id", "org_name" FROM "main"."dim_org") AS o '
            "ON o.org_id = d.org_id WHERE d.biz_date = DATE '2026-09-30' "
            "GROUP BY o.org_name ORDER BY o.org_name"
        )
        result = executor.execute(tree(sql), row_cap=1000, timeout_s=60)
        expected = duck_rows(duck_file, sql.replace('"main".', ""))
        assert result.columns == ("name", "n", "total")
        assert [(r[0], int(r[1]), round(float(r[2]), 2)) for r in result.rows] == [
            (e[0], int(e[1]), round(float(e[2]), 2)) for e in expected
        ]
        assert not result.truncated and result.column_types[0] == "VARCHAR"

    def test_the_row_cap_truncates(self, executor: Executor, duck_file: Path) -> None:
        (count,) = duck_rows(duck_file, "SELECT count(*) FROM dim_customer")[0]
        result = executor.execute(tree("SELECT cust_id FROM dim_customer"), row_cap=7, timeout_s=60)
        assert count > 7 and len(result.rows) == 7 and result.truncated
        exact = executor.execute(
            tree("SELECT cust_id FROM dim_customer"), row_cap=count, timeout_s=60
        )
        assert len(exact.rows) == count and not exact.truncated

    def test_the_timeout_stops_the_query_and_the_executor_goes_on(self, executor: Executor) -> None:
        with pytest.raises(QueryLimit) as stopped:
            executor.execute(tree(BOMB), row_cap=10, timeout_s=1)
        assert stopped.value.code == "QUERY_TIMEOUT"
        assert self.running_queries(executor) == 0
        assert executor.execute(tree("SELECT 1 AS one"), row_cap=1, timeout_s=60).rows == ((1,),)

    def running_queries(self, executor: Executor) -> int:
        """Queries of ours still running on the server (engines that can tell)."""
        return 0

    def test_engine_error_text_is_never_shown(self, executor: Executor) -> None:
        sql = f"SELECT CAST('{SECRET}' AS INTEGER) AS n FROM dim_org"
        with pytest.raises(InvalidSql) as failed:
            executor.execute(tree(sql), row_cap=1, timeout_s=60)
        assert failed.value.code == "QUERY_FAILED"
        for language in ("zh", "en"):
            assert SECRET not in failed.value.message(language)
            assert "s3cr3t" not in failed.value.message(language).lower()

    def test_writes_handed_straight_to_it_fail(self, executor: Executor) -> None:
        if not self.read_only_session:
            pytest.skip(f"{self.engine} has no read-only session: the gate keeps writes out")
        for sql in (
            "CREATE TABLE stolen AS SELECT * FROM dim_customer",
            "DELETE FROM dim_customer",
            "UPDATE dim_org SET org_name = 'x'",
        ):
            with pytest.raises(AskerError):
                executor.execute(tree(sql), row_cap=1, timeout_s=60)
        assert executor.execute(tree("SELECT count(*) FROM dim_org"), row_cap=1, timeout_s=60)

    def test_an_unreachable_engine_names_its_host_never_its_password(self) -> None:
        if self.down_url is None:
            pytest.skip(f"{self.engine} is embedded: there is no server to be down")
        url = self.down_url.format(port=_closed_port())
        settings = Settings(warehouse_url=url, warehouse_connect_timeout_s=1)
        with pytest.raises(ConfigError) as down:
            open_executor(settings, limits(settings)).close()
        assert down.value.code == "WAREHOUSE_UNAVAILABLE"
        host = parse_warehouse_url(url).host_label
        for language in ("zh", "en"):
            message = down.value.message(language)
            assert host in message and "hunter2" not in message

    def test_small_cells_the_gate_suppresses_stay_suppressed(
        self, executor: Executor, duck_file: Path
    ) -> None:
        """A role without detail (k-cell suppression, #17): the gate's rewritten query nulls the
        same cells on this engine as on DuckDB reading the file it was loaded from, and the
        executor turns the gate's marker column into ``suppressed``."""
        sql = (
            "SELECT five_class, SUM(balance) AS total FROM fact_loan_balance_monthly "
            "WHERE month_end = DATE '2026-09-30' GROUP BY five_class"
        )
        catalog = load_catalog()
        (hq,) = duck_rows(duck_file, "SELECT org_id FROM dim_org WHERE parent_org_id IS NULL")[0]
        principal = Principal("chen.jie", "hq_executive", hq, None, "chen.jie")
        checked = gate(
            sql,
            principal,
            policy=load_policy(catalog),
            catalog=catalog,
            orgs=load_org_directory(executor),
        )
        result = executor.execute(checked.tree, row_cap=1000, timeout_s=60)
        reference = open_warehouse(duck_file, limits(Settings()))
        try:
            on_duckdb = reference.execute(checked.tree, row_cap=1000, timeout_s=60)
        finally:
            reference.close()

        def cells(r: QueryResult) -> list[tuple[Any, str]]:
            return sorted((r.rows[c.row][0], c.column) for c in r.suppressed)

        assert result.columns == ("five_class", "total")
        assert cells(result) and cells(result) == cells(on_duckdb)
        assert all(r[1] is None for r in result.rows if (r[0], "total") in cells(result))
        raw = dict(duck_rows(duck_file, sql))
        shown = {r[0]: r[1] for r in result.rows if (r[0], "total") not in cells(result)}
        assert {k: round(float(v), 2) for k, v in shown.items()} == {
            k: round(float(raw[k]), 2) for k in shown
        }

    def test_it_renders_for_its_own_dialect(self, executor: Executor) -> None:
        sql = 'SELECT "org_id" FROM "main"."dim_org" WHERE "org_id" = \'HQ\''
        text = executor.render(tree(sql))
        again = sqlglot.parse_one(text, dialect=executor.engine_dialect)
        assert again.find(sqlglot.exp.Table) is not None
        if executor.engine_dialect != "duckdb":
            assert '"main"' not in text and "`main`" not in text


class TestDuckDB(ExecutorContract):
    engine = "duckdb"

    @pytest.fixture
    def executor(self, tiny_executor: Executor) -> Executor:
        return tiny_executor

    @pytest.fixture(scope="class")
    @classmethod
    def duck_file(cls, tiny_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
        # a copy: this process holds tiny's file open with the sandbox's configuration
        copy = tmp_path_factory.mktemp("duck") / "warehouse.duckdb"
        shutil.copyfile(tiny_db, copy)
        return copy


@pytest.mark.engines
class TestPostgreSQL(ExecutorContract):
    engine = "postgresql"
    down_url = "postgresql://asker:hunter2@127.0.0.1:{port}/bank"

    @pytest.fixture(scope="class")
    @classmethod
    def executor(cls, pg_bank: EngineBank) -> Iterator[Executor]:
        settings = pg_bank.settings
        executor = open_executor(settings, limits(settings))
        yield executor
        executor.close()

    @pytest.fixture
    def duck_file(self, pg_bank: EngineBank) -> Path:
        return pg_bank.duck_file

    def running_queries(self, executor: Executor) -> int:
        import psycopg

        from asker.warehouse.postgres import PostgresExecutor, conninfo_of

        assert isinstance(executor, PostgresExecutor)
        with psycopg.connect(conninfo_of(executor.url, 10), autocommit=True) as con:
            row = con.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' "
                "AND query LIKE '%fact_transaction%fact_transaction%' AND pid <> pg_backend_pid()"
            ).fetchone()
        return int(row[0]) if row else 0


@pytest.mark.engines
@pytest.mark.xdist_group("spark")
class TestSpark(ExecutorContract):
    engine = "spark"
    read_only_session = False
    down_url = "sc://127.0.0.1:{port}"

    @pytest.fixture(scope="class")
    @classmethod
    def executor(cls, spark_bank: EngineBank) -> Iterator[Executor]:
        settings = spark_bank.settings
        executor = open_executor(settings, limits(settings))
        yield executor
        executor.close()

    @pytest.fixture
    def duck_file(self, spark_bank: EngineBank) -> Path:
        return spark_bank.duck_file
