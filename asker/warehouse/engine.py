"""The warehouse engine: an ``Executor`` Protocol and the sandboxed DuckDB executor.

The executor runs a checked sqlglot AST, rendered for its own dialect with quoted identifiers;
nothing outside this module assumes DuckDB. The sandbox (read-only file, external access off,
configuration locked, no extension autoload, capped spill directory) is set when it opens.

Usage (tests/warehouse/test_sandbox.py exercises it)::

    executor = open_warehouse(data_dir / "warehouse.duckdb", Limits())
    executor.execute(sqlglot.parse_one("SELECT 1 AS n"), row_cap=10, timeout_s=1).rows  # ((1,),)
    executor.close()
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import duckdb
from sqlglot import exp

from asker.errors import ConfigError, InvalidSql, QueryLimit
from asker.types import QueryResult
from asker.warehouse.cells import split_suppressed


class Executor(Protocol):
    """Runs a gated query. ``dialect`` is the sqlglot dialect the compiler and gate render for;
    each executor renders the tree it receives for its own engine at the very end
    (``engine_dialect``; asker/warehouse/postgres.py and spark.py)."""

    dialect: str
    engine_dialect: str

    def execute(self, tree: exp.Expr, *, row_cap: int, timeout_s: float) -> QueryResult:
        """Run ``tree``; return at most ``row_cap`` rows (``truncated`` if more existed)."""
        ...

    def render(self, tree: exp.Expr) -> str:
        """The SQL text the engine runs for ``tree``."""
        ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class Limits:
    """Resource limits fixed when the sandboxed connection opens (they cannot change later)."""

    memory_limit: str = "2GB"
    threads: int = 2
    temp_limit: str = "4GB"
    address_space_mb: int = 0  # the executor child's RLIMIT_AS; 0: no process limit


def sandbox_config(temp_dir: Path, limits: Limits) -> dict[str, Any]:
    """DuckDB's connect config for the sandbox: see FACTS.md, 'DuckDB sandbox'."""
    return {
        "enable_external_access": False,
        "autoinstall_known_extensions": False,
        "autoload_known_extensions": False,
        "memory_limit": limits.memory_limit,
        "threads": limits.threads,
        "temp_directory": str(temp_dir),
        "max_temp_directory_size": limits.temp_limit,
        "lock_configuration": True,  # last: nothing above can be changed by a query
    }


class DuckDBExecutor:
    """A sandboxed, read-only connection to a warehouse file; a cursor per request."""

    dialect = "duckdb"
    engine_dialect = "duckdb"

    def __init__(self, path: Path, limits: Limits) -> None:
        if not path.is_file():
            raise ConfigError("DATA_DIR_MISSING", path=str(path.parent))
        self.path = path
        self.limits = limits
        temp_dir = path.with_suffix(".tmp")
        temp_dir.mkdir(exist_ok=True)
        self._con = duckdb.connect(
            str(path), read_only=True, config=sandbox_config(temp_dir, limits)
        )

    def render(self, tree: exp.Expr) -> str:
        return duckdb_text(tree)

    def execute(self, tree: exp.Expr, *, row_cap: int, timeout_s: float) -> QueryResult:
        return self.execute_sql(self.render(tree), row_cap=row_cap, timeout_s=timeout_s)

    def execute_sql(self, sql: str, *, row_cap: int, timeout_s: float) -> QueryResult:
        """Run SQL text the gate generated (the executor child receives it rendered)."""
        cursor = self._con.cursor()
        timer = threading.Timer(timeout_s, cursor.interrupt)
        started = time.perf_counter()
        timer.start()
        try:
            cursor.execute(sql)
            rows = cursor.fetchmany(row_cap + 1)
            description = cursor.description or []
        except duckdb.InterruptException as exc:
            raise QueryLimit("QUERY_TIMEOUT", seconds=_seconds(timeout_s)) from exc
        except duckdb.OutOfMemoryException as exc:
            raise QueryLimit("QUERY_MEMORY", limit=self.limits.memory_limit) from exc
        except duckdb.Error as exc:
            # DuckDB's own text can quote data values: show only the error class.
            raise InvalidSql("QUERY_FAILED", error_class=type(exc).__name__) from exc
        finally:
            timer.cancel()
            cursor.close()
        return split_suppressed(
            QueryResult(
                columns=tuple(d[0] for d in description),
                rows=tuple(tuple(r) for r in rows[:row_cap]),
                column_types=tuple(str(d[1]) for d in description),
                truncated=len(rows) > row_cap,
                elapsed_ms=(time.perf_counter() - started) * 1000,
            )
        )

    def close(self) -> None:
        self._con.close()


def _seconds(timeout_s: float) -> str:
    return f"{timeout_s:g}"


def open_warehouse(path: Path, limits: Limits) -> DuckDBExecutor:
    """A new sandboxed connection to ``path``; its owner (a runtime, a command) closes it. DuckDB
    lets connections to one file in one process share it only with the same ``limits``."""
    return DuckDBExecutor(path.resolve(), limits)


def duckdb_text(tree: exp.Expr) -> str:
    """The SQL text DuckDB runs, in process or in an executor child: generated from the AST,
    identifiers quoted."""
    return tree.sql(dialect="duckdb", identify=True)
