"""The sandbox holds even for statements the gate would never let through: defence in depth.

Each statement is parsed by sqlglot and handed straight to the executor, bypassing every check.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import duckdb
import pytest
import sqlglot
from sqlglot import exp

from asker.errors import InvalidSql, QueryLimit
from asker.warehouse.engine import DuckDBExecutor, Limits, sandbox_config


@pytest.fixture(scope="module")
def executor(tiny_executor: DuckDBExecutor) -> DuckDBExecutor:
    return tiny_executor


def run(executor: DuckDBExecutor, sql: str, timeout_s: float = 5.0):  # type: ignore[no-untyped-def]
    try:
        tree = sqlglot.parse_one(sql, dialect="duckdb")
    except sqlglot.errors.ParseError:  # e.g. EXPORT DATABASE: hand DuckDB the raw text
        keyword, _, rest = sql.partition(" ")
        tree = exp.Command(this=keyword, expression=" " + rest)
    return executor.execute(tree, row_cap=100, timeout_s=timeout_s)


ESCAPES = {
    "read a file": "SELECT * FROM read_csv('/etc/passwd')",
    "read text": "SELECT * FROM read_text('/etc/hostname')",
    "read blob": "SELECT * FROM read_blob('/etc/hostname')",
    "glob the disk": "SELECT * FROM glob('/etc/*')",
    "read json": "SELECT * FROM read_json('/etc/os-release')",
    "parquet": "SELECT * FROM read_parquet('/tmp/x.parquet')",
    "copy out": "COPY dim_customer TO '/tmp/asker-leak.csv'",
    "attach a file": "ATTACH '/tmp/asker-other.duckdb' AS other",
    "install an extension": "INSTALL httpfs",
    "load an external extension": "LOAD httpfs",
    "unlock the configuration": "SET lock_configuration = false",
    "turn external access on": "SET enable_external_access = true",
    "raise the memory": "SET memory_limit = '20GB'",
    "create a table": "CREATE TABLE stolen AS SELECT * FROM dim_customer",
    "insert": "INSERT INTO dim_org VALUES ('X', 'X', '支行', NULL, NULL, NULL, NULL)",
    "update": "UPDATE dim_customer SET mobile = NULL",
    "delete": "DELETE FROM dim_customer",
    "drop": "DROP TABLE dim_customer",
    "export the database": "EXPORT DATABASE '/tmp/asker-export'",
    "create a secret": "CREATE SECRET s (TYPE s3, KEY_ID 'a', SECRET 'b')",
}


@pytest.mark.parametrize("sql", ESCAPES.values(), ids=ESCAPES.keys())
def test_the_sandbox_refuses_escapes(executor: DuckDBExecutor, sql: str) -> None:
    with pytest.raises(InvalidSql) as caught:
        run(executor, sql)
    assert caught.value.code == "QUERY_FAILED"
    assert not Path("/tmp/asker-leak.csv").exists()


def test_a_time_bomb_is_stopped_by_the_timeout(executor: DuckDBExecutor) -> None:
    started = time.perf_counter()
    with pytest.raises(QueryLimit) as caught:
        run(executor, "SELECT sum(range) FROM range(1000000000000)", timeout_s=0.2)
    assert caught.value.code == "QUERY_TIMEOUT"
    assert "0.2" in caught.value.message("zh")
    # the connection survives the interrupt
    assert run(executor, "SELECT 1 AS one").rows == ((1,),)
    # recorded, not asserted on: speed belongs to the benchmarks
    print(f"time bomb stopped after {time.perf_counter() - started:.3f}s")


def test_a_cross_join_bomb_is_stopped(executor: DuckDBExecutor) -> None:
    sql = (
        "SELECT count(*) FROM fact_deposit_balance_daily a, fact_deposit_balance_daily b "
        "WHERE a.balance + b.balance > 0"
    )
    with pytest.raises(QueryLimit):
        run(executor, sql, timeout_s=0.3)


def test_the_row_cap_truncates_and_says_so(executor: DuckDBExecutor) -> None:
    tree = sqlglot.parse_one("SELECT * FROM range(1000000)")
    result = executor.execute(tree, row_cap=7, timeout_s=5)
    assert result.row_count == 7 and result.truncated
    exact = executor.execute(sqlglot.parse_one("SELECT * FROM range(7)"), row_cap=7, timeout_s=5)
    assert exact.row_count == 7 and not exact.truncated


def test_engine_errors_never_quote_data_values(executor: DuckDBExecutor) -> None:
    mobile = run(executor, "SELECT mobile FROM dim_customer WHERE mobile IS NOT NULL LIMIT 1").rows[
        0
    ][0]
    with pytest.raises(InvalidSql) as caught:
        run(
            executor,
            "SELECT CAST(mobile AS INTEGER) * 0 + CAST(cust_name AS INTEGER) FROM dim_customer",
        )
    for language in ("zh", "en"):
        assert mobile not in caught.value.message(language)
    assert mobile not in str(caught.value)


def test_the_executor_runs_the_sql_it_renders_from_the_tree(executor: DuckDBExecutor) -> None:
    tree = sqlglot.parse_one("select org_name from dim_org where org_id = 'B05'")
    assert executor.render(tree) == 'SELECT "org_name" FROM "dim_org" WHERE "org_id" = \'B05\''
    assert executor.execute(tree, row_cap=5, timeout_s=5).rows == (("成都分行",),)


def test_a_cursor_per_request_serves_threads(executor: DuckDBExecutor) -> None:
    results: list[int] = []
    tree = sqlglot.parse_one("SELECT count(*) FROM dim_org WHERE org_level = '分行'")

    def ask() -> None:
        results.append(executor.execute(tree, row_cap=1, timeout_s=5).rows[0][0])

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [10] * 8


def test_the_configuration_is_locked_and_read_only(executor: DuckDBExecutor) -> None:
    sql = (
        "SELECT name, value FROM duckdb_settings() WHERE name IN ('enable_external_access', "
        "'lock_configuration', 'autoload_known_extensions', 'access_mode')"
    )
    settings = dict(run(executor, sql).rows)  # the gate refuses duckdb_settings(); here it is raw
    assert settings["enable_external_access"] == "false"
    assert settings["lock_configuration"] == "true"
    assert settings["autoload_known_extensions"] == "false"
    assert settings["access_mode"].lower() == "read_only"


def test_the_lock_is_the_last_setting_applied(tmp_path: Path) -> None:
    config = sandbox_config(tmp_path, Limits())
    assert list(config)[-1] == "lock_configuration"
    with pytest.raises(duckdb.Error):  # a misspelt key is refused, never ignored
        duckdb.connect(":memory:", config={**config, "enable_externall_access": False})


def test_a_missing_warehouse_says_run_init(tmp_path: Path) -> None:
    from asker.errors import ConfigError

    with pytest.raises(ConfigError) as caught:
        DuckDBExecutor(tmp_path / "nope" / "warehouse.duckdb", Limits())
    assert "asker init" in caught.value.message("zh")


def test_rendering_quotes_every_identifier(executor: DuckDBExecutor) -> None:
    tree = exp.select("org_name").from_("dim_org")
    assert executor.render(tree) == 'SELECT "org_name" FROM "dim_org"'
