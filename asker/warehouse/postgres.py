"""The PostgreSQL-family executor (psycopg 3, a psycopg_pool pool sized by a setting).

Read-only twice over: every session starts with ``default_transaction_read_only=on`` and every
query runs in a ``SET TRANSACTION READ ONLY`` transaction that is rolled back (and the gate lets
only SELECT through). The timeout stops the query on the server (``SET LOCAL statement_timeout``);
should the server not answer, a client-side cancel follows a moment later. At most
``row_cap + 1`` rows are fetched, through a server-side cursor. PostgreSQL's error text can quote
data values: only the error's class and SQLSTATE are shown. An unreachable server is
``WAREHOUSE_UNAVAILABLE`` naming its host, never its password.

The tables live in the session's ``current_schema()`` (``public`` unless the URL's
``options=-csearch_path=...`` says otherwise); nothing creates or switches databases.
"""

from __future__ import annotations

import itertools
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

import duckdb
import psycopg
import sqlglot
from psycopg import sql as pgsql
from psycopg.conninfo import make_conninfo
from psycopg_pool import ConnectionPool, PoolTimeout
from sqlglot import exp
from sqlglot.dialects.postgres import Postgres
from sqlglot.generator import Generator
from sqlglot.generators.postgres import PostgresGenerator

from asker.errors import ConfigError, InvalidSql, QueryLimit
from asker.types import QueryResult
from asker.warehouse.catalog import Catalog, Table
from asker.warehouse.cells import split_suppressed
from asker.warehouse.dialect import Spelling, for_engine, output_names
from asker.warehouse.url import WarehouseUrl

CANCEL_GRACE_S = 2.0  # after the server's own statement_timeout, the client cancels
READ_ONLY_OPTION = "-c default_transaction_read_only=on"
TYPE_NAMES = {  # PostgreSQL type names as the rest of asker (DuckDB's) names them
    "numeric": "DECIMAL",
    "int2": "SMALLINT",
    "int4": "INTEGER",
    "int8": "BIGINT",
    "float4": "FLOAT",
    "float8": "DOUBLE",
    "text": "VARCHAR",
    "varchar": "VARCHAR",
    "bpchar": "VARCHAR",
    "bool": "BOOLEAN",
    "date": "DATE",
    "timestamp": "TIMESTAMP",
    "timestamptz": "TIMESTAMP WITH TIME ZONE",
    "interval": "INTERVAL",
}
_cursor_names = itertools.count()


def _make_date(gen: Generator, e: exp.DateFromParts) -> str:
    parts = (e.args.get(k) for k in ("year", "month", "day"))
    return gen.func("MAKE_DATE", *(exp.cast(p, "int") for p in parts if p is not None))


def _last_day(gen: Generator, e: exp.LastDay) -> str:
    day = gen.sql(exp.cast(e.this, "timestamp"))
    return f"CAST(DATE_TRUNC('MONTH', {day}) + INTERVAL '1 MONTH - 1 DAY' AS DATE)"


def _round(gen: Generator, e: exp.Round) -> str:
    decimals = e.args.get("decimals")
    if decimals is None:
        return gen.func("ROUND", e.this)
    return gen.func("ROUND", exp.cast(e.this, "numeric"), decimals)


def _quarter(gen: Generator, e: exp.Quarter) -> str:
    return f"CAST(EXTRACT(QUARTER FROM {gen.sql(e.this)}) AS INT)"


def _try_cast(gen: Generator, e: exp.TryCast) -> str:
    gen.unsupported("TRY_CAST (PostgreSQL has no cast that gives NULL on failure)")
    return gen.cast_sql(e)


class AskerPostgres(Postgres):
    """sqlglot's PostgreSQL dialect, with what it renders wrongly for PostgreSQL corrected:
    DuckDB's ``make_date`` becomes ``make_date`` of integers (not ``DATE_FROM_PARTS``);
    ``last_day`` works on a plain timestamp (sqlglot's goes through ``timestamptz``: the
    session's time zone, and ten times slower in a join condition); ``round(x, n)`` of a
    double (PostgreSQL rounds to places only ``numeric``); ``quarter(d)``; ``INTERVAL (n) MONTH``
    of an expression. DuckDB-only constructs PostgreSQL lacks (``TRY_CAST``, ``GROUP BY ALL``,
    ``* EXCLUDE/REPLACE``) are refused, never translated into something else."""

    class Generator(PostgresGenerator):
        TRANSFORMS: ClassVar[dict[type[exp.Expr], Any]] = {
            **PostgresGenerator.TRANSFORMS,
            exp.DateFromParts: _make_date,
            exp.LastDay: _last_day,
            exp.Round: _round,
            exp.Quarter: _quarter,
            exp.TryCast: _try_cast,
        }

        def group_sql(self, expression: exp.Group) -> str:
            if expression.args.get("all"):
                self.unsupported("GROUP BY ALL")
            return super().group_sql(expression)

        def star_sql(self, expression: exp.Star) -> str:
            if any(expression.args.get(k) for k in ("except_", "replace", "rename")):
                self.unsupported("* EXCLUDE / REPLACE / RENAME")
            return super().star_sql(expression)

        def interval_sql(self, expression: exp.Interval) -> str:
            unit = expression.args.get("unit")
            if isinstance(expression.this, exp.Literal) or unit is None:
                return super().interval_sql(expression)
            amount = self.sql(expression.this)
            return f"({amount}) * INTERVAL '1 {self.sql(unit)}'"


def conninfo_of(url: WarehouseUrl, connect_timeout_s: float) -> str:
    """psycopg's connection string for ``url``, with asker's session settings added."""
    options = dict(url.options)
    extra = options.pop("options", "")
    return make_conninfo(
        host=url.host,
        port=url.port,
        user=url.user,
        password=url.password,
        dbname=url.database or None,
        connect_timeout=max(1, round(connect_timeout_s)),
        application_name="asker",
        options=f"{extra} {READ_ONLY_OPTION}".strip(),
        **options,
    )


class PostgresExecutor:
    """A pool of read-only sessions to one PostgreSQL database."""

    dialect = "duckdb"  # what asker's compiler and gate write
    engine_dialect = "postgres"  # sqlglot's name; rendered with AskerPostgres

    def __init__(self, url: WarehouseUrl, *, pool_size: int, connect_timeout_s: float) -> None:
        self.url = url
        self.connect_timeout_s = connect_timeout_s
        self._pool = ConnectionPool(
            conninfo_of(url, connect_timeout_s),
            min_size=1,
            max_size=pool_size,
            open=False,
            timeout=connect_timeout_s,
            check=ConnectionPool.check_connection,
            name="asker-warehouse",
        )
        try:
            self._pool.open(wait=True, timeout=connect_timeout_s)
            with self._pool.connection() as conn:
                row = conn.execute("SELECT current_schema()").fetchone()
                stored = conn.execute(
                    "SELECT table_name, column_name FROM information_schema.columns"
                    " WHERE table_schema = current_schema()"
                ).fetchall()
                conn.rollback()
        except (PoolTimeout, psycopg.OperationalError) as exc:
            self._pool.close()
            raise url.unavailable() from exc
        if not row or not row[0]:
            self._pool.close()
            raise ConfigError("WAREHOUSE_URL_INVALID", reason="no schema on the search_path")
        self.schema: str = row[0]
        # the names as this server stores them: the gate compared them case-insensitively
        self.spelling = Spelling.of((str(t), str(c)) for t, c in stored)

    def render(self, tree: exp.Expr) -> str:
        return for_engine(tree, AskerPostgres, self.schema, spelling=self.spelling)

    def execute(self, tree: exp.Expr, *, row_cap: int, timeout_s: float) -> QueryResult:
        text = self.render(tree)
        started = time.perf_counter()
        try:
            with self._pool.connection() as conn:
                columns, types, rows = self._run(conn, text, row_cap, timeout_s)
        except PoolTimeout as exc:
            raise self.url.unavailable() from exc
        return split_suppressed(
            QueryResult(
                columns=output_names(tree, columns),
                rows=tuple(tuple(r) for r in rows[:row_cap]),
                column_types=types,
                truncated=len(rows) > row_cap,
                elapsed_ms=(time.perf_counter() - started) * 1000,
            )
        )

    def _run(
        self, conn: psycopg.Connection[Any], text: str, row_cap: int, timeout_s: float
    ) -> tuple[tuple[str, ...], tuple[str, ...], list[Any]]:
        timer = threading.Timer(timeout_s + CANCEL_GRACE_S, conn.cancel_safe)
        try:
            conn.execute("SET TRANSACTION READ ONLY")
            conn.execute(
                pgsql.SQL("SET LOCAL statement_timeout = {}").format(
                    pgsql.Literal(max(1, round(timeout_s * 1000)))
                )
            )
            timer.start()
            with conn.cursor(name=f"asker_{next(_cursor_names)}") as cursor:
                cursor.execute(text.encode("utf-8"))
                rows = cursor.fetchmany(row_cap + 1)
                description = cursor.description or []
            columns = tuple(d.name for d in description)
            types = tuple(self._type_name(conn, d.type_code) for d in description)
            return columns, types, rows
        except psycopg.errors.QueryCanceled as exc:
            raise QueryLimit("QUERY_TIMEOUT", seconds=f"{timeout_s:g}") from exc
        except psycopg.OperationalError as exc:
            raise self.url.unavailable() from exc
        except psycopg.Error as exc:
            if conn.broken:
                raise self.url.unavailable() from exc
            # PostgreSQL's own text can quote data values: only the class and SQLSTATE.
            error_class = f"{type(exc).__name__} {exc.sqlstate or ''}".strip()
            raise InvalidSql("QUERY_FAILED", error_class=error_class) from exc
        finally:
            timer.cancel()
            if not conn.broken:
                conn.rollback()  # nothing a query did outlives it

    @staticmethod
    def _type_name(conn: psycopg.Connection[Any], oid: int) -> str:
        info = conn.adapters.types.get(oid)
        name = info.name if info is not None else str(oid)
        return TYPE_NAMES.get(name, name.upper())

    def close(self) -> None:
        self._pool.close()


def load_tables(
    url: WarehouseUrl,
    duck_file: Path,
    catalog: Catalog,
    *,
    connect_timeout_s: float,
    progress: Callable[[str], None] | None = None,
) -> None:
    """Bulk-load every catalog table of the DuckDB file ``duck_file`` into ``url``'s database
    (its current schema), replacing those tables, in one transaction: PostgreSQL's ``COPY``
    fed the CSV DuckDB writes, never row inserts. Nothing is half-loaded when it fails."""
    options = dict(url.options)
    conninfo = make_conninfo(
        host=url.host,
        port=url.port,
        user=url.user,
        password=url.password,
        dbname=url.database or None,
        connect_timeout=max(1, round(connect_timeout_s)),
        application_name="asker-init",
        **options,
    )
    try:
        conn = psycopg.connect(conninfo, autocommit=False)
    except psycopg.OperationalError as exc:
        raise url.unavailable() from exc
    duck = duckdb.connect(str(duck_file), read_only=True)
    try:
        with tempfile.TemporaryDirectory(prefix="asker-load-") as scratch, conn.transaction():
            for table in catalog.tables:
                if progress is not None:
                    progress(f"PostgreSQL: {table.name}")
                _load_table(conn, duck, table, Path(scratch) / f"{table.name}.csv")
        conn.execute("ANALYZE")
        conn.commit()
    except psycopg.OperationalError as exc:
        raise url.unavailable() from exc
    finally:
        duck.close()
        conn.close()


def _load_table(
    conn: psycopg.Connection[Any], duck: duckdb.DuckDBPyConnection, table: Table, csv: Path
) -> None:
    name = pgsql.Identifier(table.stored)
    conn.execute(pgsql.SQL("DROP TABLE IF EXISTS {}").format(name))
    create = sqlglot.transpile(table.create_sql(), read="duckdb", write="postgres")[0]
    conn.execute(create.encode("utf-8"))
    columns = ", ".join(f'"{c.stored}"' for c in table.columns)
    duck.execute(
        f"COPY (SELECT {columns} FROM \"{table.stored}\") TO '{csv}' (FORMAT csv, HEADER false)"
    )
    copy_sql = pgsql.SQL("COPY {} ({}) FROM STDIN (FORMAT csv)").format(
        name, pgsql.SQL(", ").join(pgsql.Identifier(c.stored) for c in table.columns)
    )
    with conn.cursor().copy(copy_sql) as copy, csv.open("rb") as source:
        while block := source.read(1 << 20):
            copy.write(block)
