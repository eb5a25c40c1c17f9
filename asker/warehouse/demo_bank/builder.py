"""build_demo_bank: create the demo bank warehouse file, one table group per step."""

from __future__ import annotations

import calendar as _calendar
from collections.abc import Callable
from datetime import date
from pathlib import Path

import duckdb

from asker.warehouse.catalog import load_catalog
from asker.warehouse.demo_bank import (
    budgets,
    calendar,
    customers,
    deposits,
    funnel,
    loans,
    orgs,
    products,
    transactions,
)
from asker.warehouse.demo_bank.scales import Scale
from asker.warehouse.demo_bank.sqlkit import define_macros

Step = Callable[[duckdb.DuckDBPyConnection], None]

# (progress name, builder), in dependency order.
STEPS: tuple[tuple[str, Step], ...] = (
    ("calendar", calendar.build),
    ("orgs", orgs.build),
    ("products", products.build),
    ("customers", customers.build),
    ("deposits", deposits.build),
    ("loans", loans.build),
    ("transactions", transactions.build),
    ("funnel", funnel.build),
    ("budgets", budgets.build),
)

EARLIEST_DATA_DATE = date(2024, 3, 31)


def check_data_date(data_date: date) -> None:
    """The data date must be a calendar month end on or after 2024-03-31."""
    last = _calendar.monthrange(data_date.year, data_date.month)[1]
    if data_date.day != last:
        raise ValueError(
            f"数据日期必须是自然月末：{data_date.isoformat()} 不是月末。"
            f" The data date must be a calendar month end; {data_date.isoformat()} is not."
        )
    if data_date < EARLIEST_DATA_DATE:
        raise ValueError(
            f"数据日期不能早于 {EARLIEST_DATA_DATE.isoformat()}（历史从 2024-01-01 开始）。"
            f" The data date must be on or after {EARLIEST_DATA_DATE.isoformat()}"
            " (history starts 2024-01-01)."
        )


def build_demo_bank(
    path: Path,
    *,
    scale: Scale,
    seed: int,
    data_date: date,
    progress: Callable[[str], None] | None = None,
) -> dict[str, int]:
    """Create the DuckDB file at `path` (must not exist) and return {table: row_count}."""
    check_data_date(data_date)
    if path.exists():
        raise FileExistsError(f"文件已存在 the file already exists: {path}")
    catalog = load_catalog()
    try:
        con = duckdb.connect(str(path), config={"preserve_insertion_order": False})
        try:
            for table in catalog.tables:
                con.execute(table.create_sql())
            define_macros(con, seed=seed, scale=scale, data_date=data_date)
            for name, step in STEPS:
                if progress is not None:
                    progress(name)
                step(con)
            con.execute("CHECKPOINT")
            return {t: _count(con, t) for t in catalog.table_names}
        finally:
            con.close()
    except BaseException:
        for leftover in (path, path.with_name(path.name + ".wal")):
            leftover.unlink(missing_ok=True)
        raise


def _count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    row = con.execute(f'SELECT count(*) FROM "{table}"').fetchone()
    return int(row[0]) if row else 0
