"""Schemas whose names are not lower case (eval/fixtures/bird_case, our own data): UPPER_CASE tables
and columns as warehouses born on Oracle or DB2 have, and CamelCase ones. The gold SQL names them
in the schema's case, in lower case, quoted and backticked; through the gate every statement
answers, and equals the statement run on SQLite itself (the reference, not asker)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from psycopg import sql

from asker.errors import ConfigError
from asker.warehouse.catalog import Catalog, Column, Table
from asker.warehouse.engine import Executor
from asker.warehouse.postgres import PostgresExecutor, load_tables
from asker.warehouse.url import parse_warehouse_url
from eval.external import ExternalScorer, cases_for
from eval.fixtures.bird_case.make_fixture import build
from tests.engines import pg_warehouse_url
from tests.postgres import PostgresServer


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("bird_case"))


def test_every_gold_statement_answers_and_equals_sqlite(dataset: Path, tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "asker", "eval", "run", "--dataset", str(dataset),
         "--mode", "oracle", "--data-dir", str(tmp_path / "none"), "--out", str(tmp_path / "o")],
        capture_output=True, text=True, timeout=300, check=False, env=os.environ,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    lines = (tmp_path / "o" / "results.jsonl").read_text("utf-8").splitlines()
    outcomes = [json.loads(line) for line in lines]
    assert len(outcomes) == 26
    wrong = [(o["id"], o["got"], o.get("reason")) for o in outcomes if o["got"] != "ok"]
    assert wrong == []
    assert all(o["correct"]["asker"] for o in outcomes)


@pytest.mark.engines
def test_on_postgresql_every_gold_statement_answers_and_equals_sqlite(
    dataset: Path, pg_server: PostgresServer, tmp_path: Path
) -> None:
    """The same schemas loaded into PostgreSQL (tables and columns created in their own case,
    so quoted): the gated statement runs there and still equals SQLite's answer."""

    def on_postgresql(db_id: str, catalog: Catalog, duck_file: Path) -> Executor:
        with pg_server.connect() as con:
            con.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db_id)))
        url = parse_warehouse_url(pg_warehouse_url(pg_server, db_id))
        load_tables(url, duck_file, catalog, connect_timeout_s=10)
        return PostgresExecutor(url, pool_size=1, connect_timeout_s=10)

    cases = cases_for(dataset)
    scorer = ExternalScorer(dataset, tmp_path, ("asker",), engine=on_postgresql)
    try:
        scorer.prepare(cases)
        outcomes = [scorer(case) for case in cases]
    finally:
        scorer.close()
    assert len(outcomes) == 26
    assert [(o.id, o.got, o.reason) for o in outcomes if not o.correct["asker"]] == []


def test_a_catalog_with_names_that_differ_only_in_case_is_refused() -> None:
    with pytest.raises(ConfigError) as raised:
        Table("T", "t", "row", (), (Column("ID", "INTEGER", "a"), Column("id", "INTEGER", "b")))
    assert raised.value.code == "CATALOG_INVALID"


def test_names_keep_the_warehouses_spelling_beside_the_canonical_one() -> None:
    table = Table("CUST_INFO", "c", "row", ("CUST_ID",), (Column("CUST_ID", "INTEGER", "id"),))
    assert (table.name, table.stored) == ("cust_info", "CUST_INFO")
    assert (table.columns[0].name, table.columns[0].stored, table.primary_key) == (
        "cust_id",
        "CUST_ID",
        ("cust_id",),
    )
    assert table.create_sql() == 'CREATE TABLE "CUST_INFO" (\n  "CUST_ID" INTEGER\n)'
