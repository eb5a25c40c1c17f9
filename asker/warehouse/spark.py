"""The Spark Connect executor (pyspark's Connect client; the optional extra ``asker[spark]``).

``sc://host:port`` reaches a Spark Connect server, which is also how a Spark cluster and
Databricks are reached. Spark Connect has no read-only session: only the gate's checked SELECT is
ever sent (``spark.sql`` of the rendered tree; nothing here runs text from elsewhere). Each query
carries an operation tag; at the timeout the tag is interrupted, which stops the query on the
server. At most ``row_cap + 1`` rows come back (``limit``, as Arrow). Concurrency is bounded by
``pool_size`` operations in flight over one session. Spark's error text can quote data values:
only the exception class and Spark's error condition are shown. An unreachable server is
``WAREHOUSE_UNAVAILABLE`` naming its host; the client's retries are bounded by the connect
timeout, not Spark's default of up to ten minutes.

Sessions run with the UTC time zone and ``TIMESTAMP`` meaning ``TIMESTAMP_NTZ``, as DuckDB's
``TIMESTAMP`` does; tables live in the session's current database.
"""

from __future__ import annotations

import contextlib
import math
import tempfile
import threading
import time
import uuid
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import sqlglot
from sqlglot import exp

from asker.errors import ConfigError, InvalidSql, QueryLimit
from asker.types import QueryResult
from asker.warehouse.catalog import Catalog
from asker.warehouse.cells import split_suppressed
from asker.warehouse.dialect import for_engine
from asker.warehouse.url import WarehouseUrl

SESSION_CONF = {
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.timestampType": "TIMESTAMP_NTZ",
}
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
LOAD_BATCH_ROWS = 200_000  # rows per Arrow batch sent to the server when loading
ARROW_TYPES = {  # Arrow type names of Spark's results as the rest of asker (DuckDB's) names them
    "int8": "TINYINT",
    "int16": "SMALLINT",
    "int32": "INTEGER",
    "int64": "BIGINT",
    "float": "FLOAT",
    "double": "DOUBLE",
    "string": "VARCHAR",
    "large_string": "VARCHAR",
    "bool": "BOOLEAN",
    "date32[day]": "DATE",
}


def _pyspark() -> Any:
    # pyspark 4.3 warns that pandas 3 is not fully supported; asker's Connect use needs no pandas
    warnings.filterwarnings("ignore", "PySpark does not yet fully support", FutureWarning)
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise ConfigError(
            "ENGINE_CLIENT_MISSING", engine="Spark Connect", package="pyspark", extra="spark"
        ) from exc
    return SparkSession


def connect_session(url: WarehouseUrl, connect_timeout_s: float) -> Any:
    """A new Spark Connect session on ``url`` (``WAREHOUSE_UNAVAILABLE`` if it cannot be
    reached within about ``connect_timeout_s``)."""
    session_class = _pyspark()
    from pyspark.sql.connect.client.retries import DefaultPolicy

    try:
        session = session_class.builder.remote(url.text).create()
    except Exception as exc:
        raise url.unavailable() from exc
    # 50 ms growing 4x per retry: the attempts that fit in the connect timeout.
    retries = max(1, math.ceil(math.log(max(connect_timeout_s * 1000 / 50, 4), 4)))
    session.client.set_retry_policies(
        [DefaultPolicy(max_retries=retries, max_backoff=int(connect_timeout_s * 1000))]
    )
    try:
        for key, value in SESSION_CONF.items():
            session.conf.set(key, value)
    except Exception as exc:
        session.stop()
        raise url.unavailable() from exc
    return session


def _is_unavailable(exc: BaseException) -> bool:
    """Whether a Spark Connect failure is the server being unreachable (gRPC UNAVAILABLE)."""
    import grpc

    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, grpc.RpcError) and getattr(seen, "code", lambda: None)() in (
            grpc.StatusCode.UNAVAILABLE,
            grpc.StatusCode.DEADLINE_EXCEEDED,
        ):
            return True
        if "UNAVAILABLE" in type(seen).__name__.upper():
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _error_class(exc: BaseException) -> str:
    condition = getattr(exc, "getCondition", lambda: None)()
    return f"{type(exc).__name__} {condition}" if condition else type(exc).__name__


class SparkExecutor:
    """One Spark Connect session; at most ``pool_size`` queries in flight on it."""

    dialect = "duckdb"  # what asker's compiler and gate write
    engine_dialect = "spark"

    def __init__(self, url: WarehouseUrl, *, pool_size: int, connect_timeout_s: float) -> None:
        self.url = url
        self._slots = threading.BoundedSemaphore(pool_size)
        self._session = connect_session(url, connect_timeout_s)
        try:
            self.schema: str = self._session.catalog.currentDatabase()
        except Exception as exc:
            self._session.stop()
            raise url.unavailable() from exc

    def render(self, tree: exp.Expr) -> str:
        return for_engine(tree, self.engine_dialect, self.schema)

    def execute(self, tree: exp.Expr, *, row_cap: int, timeout_s: float) -> QueryResult:
        text = self.render(tree)
        started = time.perf_counter()
        with self._slots:
            table = self._run(text, row_cap, timeout_s)
        columns = tuple(table.column_names)
        values = [c.to_pylist() for c in table.columns]
        rows = tuple(zip(*values, strict=True)) if values else ()
        return split_suppressed(
            QueryResult(
                columns=columns,
                rows=rows[:row_cap],
                column_types=tuple(_type_name(t) for t in table.schema.types),
                truncated=len(rows) > row_cap,
                elapsed_ms=(time.perf_counter() - started) * 1000,
            )
        )

    def _run(self, text: str, row_cap: int, timeout_s: float) -> Any:
        tag = f"asker-{uuid.uuid4().hex}"
        fired = threading.Event()

        def interrupt() -> None:
            fired.set()
            # the query may end by itself, or the server be gone: then nothing is left to stop
            with contextlib.suppress(Exception):
                self._session.interruptTag(tag)

        timer = threading.Timer(timeout_s, interrupt)
        self._session.addTag(tag)  # the tag is the calling thread's
        timer.start()
        try:
            return self._session.sql(text).limit(row_cap + 1).toArrow()
        except Exception as exc:
            if fired.is_set():
                raise QueryLimit("QUERY_TIMEOUT", seconds=f"{timeout_s:g}") from exc
            if _is_unavailable(exc):
                raise self.url.unavailable() from exc
            # Spark's own text can quote data values: only the class and the error condition.
            raise InvalidSql("QUERY_FAILED", error_class=_error_class(exc)) from exc
        finally:
            timer.cancel()
            self._session.removeTag(tag)

    def close(self) -> None:
        with contextlib.suppress(Exception):  # a server already gone holds nothing to release
            self._session.stop()


def _type_name(arrow_type: Any) -> str:
    name = str(arrow_type)
    if name.startswith("decimal"):
        return "DECIMAL"
    if name.startswith("timestamp"):
        return "TIMESTAMP"
    return ARROW_TYPES.get(name, name.upper())


def load_tables(
    url: WarehouseUrl,
    duck_file: Path,
    catalog: Catalog,
    *,
    connect_timeout_s: float,
    progress: Callable[[str], None] | None = None,
) -> None:
    """Load every catalog table of the DuckDB file ``duck_file`` into the session's current
    database, replacing those tables: each created from the catalog's DDL, then filled in bulk,
    never by row inserts. A server on this machine (a loopback host) reads Parquet files DuckDB
    writes (``INSERT ... SELECT FROM parquet.`file```, about ten times faster); a remote one
    gets Arrow record batches over the Connect channel."""
    session = connect_session(url, connect_timeout_s)
    duck = duckdb.connect(str(duck_file), read_only=True)
    try:
        with tempfile.TemporaryDirectory(prefix="asker-load-") as scratch:
            for table in catalog.tables:
                if progress is not None:
                    progress(f"Spark: {table.name}")
                name = f"`{table.stored}`"
                session.sql(f"DROP TABLE IF EXISTS {name}")
                create = sqlglot.transpile(table.create_sql(), read="duckdb", write="spark")[0]
                session.sql(f"{create} USING parquet")
                columns = ", ".join(f'"{c.stored}"' for c in table.columns)
                select = f'SELECT {columns} FROM "{table.stored}"'
                if url.host in LOOPBACK:
                    parquet = Path(scratch) / f"{table.name}.parquet"
                    duck.execute(f"COPY ({select}) TO '{parquet}' (FORMAT parquet)")
                    session.sql(f"INSERT INTO {name} SELECT * FROM parquet.`{parquet}`")
                else:
                    _insert_arrow(session, name, duck.sql(select).to_arrow_reader(LOAD_BATCH_ROWS))
    except Exception as exc:
        if _is_unavailable(exc):
            raise url.unavailable() from exc
        raise
    finally:
        duck.close()
        session.stop()


def _insert_arrow(session: Any, name: str, reader: Any) -> None:
    import pyarrow as pa

    schema = session.table(name).schema
    for batch in reader:
        frame = session.createDataFrame(pa.Table.from_batches([batch]), schema=schema)
        frame.write.mode("append").insertInto(name)
