"""A hand-made warehouse with the demo bank's schema and org layout (成都分行 B05 with its 支行, a
client manager E0501 with four customers) and known PII values: short values, NULLs, Chinese
names. Used when the demo bank generator cannot build (or with ``ASKER_GATE_HANDMADE=1``)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import duckdb

from asker.warehouse.catalog import Catalog

ORGS = [
    ("HQ", "总行", "总行", None, None, "上海"),
    ("B01", "上海分行", "分行", "HQ", "B01", "上海"),
    ("B01S01", "上海浦东支行", "支行", "B01", "B01", "上海"),
    ("B01S02", "上海徐汇支行", "支行", "B01", "B01", "上海"),
    ("B05", "成都分行", "分行", "HQ", "B05", "成都"),
    ("B05S01", "成都高新支行", "支行", "B05", "B05", "成都"),
    ("B05S02", "成都锦江支行", "支行", "B05", "B05", "成都"),
    ("B06", "重庆分行", "分行", "HQ", "B06", "重庆"),
    ("B06S01", "重庆渝中支行", "支行", "B06", "B06", "重庆"),
]
EMPLOYEES = [
    ("E0001", "张伟", "HQ", "分析师"),
    ("E0101", "周杰", "B01S01", "客户经理"),
    ("E0500", "李娜", "B05", "分行行长"),
    ("E0501", "刘洋", "B05S01", "客户经理"),
    ("E0502", "王芳", "B05S01", "支行行长"),
    ("E0503", "赵敏", "B05S02", "客户经理"),
    ("E0601", "孙丽", "B06S01", "客户经理"),
]
# cust_id, name, type, id_no, mobile, address, segment, org, manager
CUSTOMERS = [
    (
        "C0001",
        "张三丰",
        "个人",
        "510104199001011234",
        "13812345678",
        "四川省成都市高新区天府大道",
        "代发工资客群",
        "B05S01",
        "E0501",
    ),
    ("C0002", "王", "个人", "5101", "123", "成都市", "按揭客群", "B05S01", "E0501"),
    ("C0003", None, "个人", None, None, None, "定期客群", "B05S01", "E0501"),
    (
        "C0004",
        "欧阳娜娜",
        "个人",
        "510104198512125678",
        "13987654321",
        "四川省成都市武侯区人民南路",
        "普通客群",
        "B05S01",
        "E0501",
    ),
    (
        "C0005",
        "成都示范科技有限公司",
        "对公",
        "91510100MA6C8XYZ12",
        "02885551234",
        "四川省成都市锦江区红星路2号",
        None,
        "B05S01",
        "E0502",
    ),
    (
        "C0006",
        "李四",
        "个人",
        "510104197706063456",
        "13511112222",
        "四川省成都市锦江区春熙路8号",
        "互联网客群",
        "B05S02",
        "E0503",
    ),
    (
        "C0007",
        "赵六",
        "个人",
        "310101198808087890",
        "13633334444",
        "上海市浦东新区世纪大道100号",
        "公积金客群",
        "B01S01",
        "E0101",
    ),
    (
        "C0008",
        "钱七",
        "个人",
        "500101199912120011",
        "13755556666",
        "重庆市渝中区解放碑步行街",
        "普通客群",
        "B06S01",
        "E0601",
    ),
]
DATES = [dt.date(2026, 8, 31), dt.date(2026, 9, 29), dt.date(2026, 9, 30)]


def _insert(con: duckdb.DuckDBPyConnection, table: str, rows: list[tuple[Any, ...]]) -> None:
    if rows:
        marks = ", ".join("?" for _ in rows[0])
        con.executemany(f'INSERT INTO "{table}" VALUES ({marks})', rows)


def _facts(con: duckdb.DuckDBPyConnection) -> None:
    accounts, loans, deposits, loan_months, txns, aum, apps, leads = ([] for _ in range(8))
    for i, c in enumerate(CUSTOMERS, start=1):
        cust, org, manager = c[0], c[7], c[8]
        card = (
            None if cust == "C0003" else ("6222" if cust == "C0002" else f"62220212345678{i:04d}")
        )
        accounts.append((f"A{i:04d}", cust, "P01", org, dt.date(2024, 1, 2), None, "正常", card))
        loans.append(
            (
                f"L{i:04d}",
                cust,
                "P02",
                org,
                manager,
                100000 * i,
                dt.date(2025, 1, 1),
                dt.date(2030, 1, 1),
                0.0435,
                "抵押",
            )
        )
        for d in DATES:
            deposits.append((d, f"A{i:04d}", cust, org, "P01", 1000 * i + d.day))
        loan_months.append(
            (
                dt.date(2026, 9, 30),
                f"L{i:04d}",
                cust,
                org,
                "P02",
                manager,
                90000 * i,
                "正常" if i % 4 else "次级",
                0 if i % 4 else 95,
            )
        )
        aum.append((dt.date(2026, 9, 30), cust, org, 1000 * i, 500 * i, 1500 * i))
        apps.append(
            (
                f"AP{i:04d}",
                cust,
                org,
                "P02",
                "柜面",
                dt.date(2026, 9, 1),
                50000,
                "通过",
                dt.date(2026, 9, 3),
                40000,
                dt.date(2026, 9, 5),
                30000,
            )
        )
        leads.append(
            (
                f"LD{i:04d}",
                cust,
                manager,
                org,
                "P03",
                "模型推荐",
                dt.date(2026, 9, 1),
                None,
                None,
                dt.date(2026, 9, 20) if i % 2 else None,
            )
        )
        for k, party in enumerate(("成都某某餐饮店", "欧阳锋", "李")):
            txns.append(
                (
                    f"T{i:04d}{k}",
                    dt.datetime(2026, 9, 30, 10, k),
                    dt.date(2026, 9, 30),
                    f"A{i:04d}",
                    cust,
                    org,
                    "手机银行",
                    "转出",
                    100 * (k + 1),
                    "转账",
                    party,
                )
            )
    budgets = [(o[0], 2026, 9, "deposit_balance", 1_000_000) for o in ORGS if o[0] != "HQ"]
    for table, rows in (
        ("dim_account", accounts),
        ("dim_loan", loans),
        ("fact_deposit_balance_daily", deposits),
        ("fact_loan_balance_monthly", loan_months),
        ("fact_transaction", txns),
        ("fact_customer_aum_monthly", aum),
        ("fact_credit_application", apps),
        ("fact_marketing_lead", leads),
        ("fact_budget_target", budgets),
    ):
        _insert(con, table, rows)


def build_handmade(path: Path, catalog: Catalog) -> None:
    con = duckdb.connect(str(path))
    for table in catalog.tables:
        con.execute(table.create_sql())
    _insert(
        con, "dim_org", [(o[0], o[1], o[2], o[3], o[4], o[5], dt.date(2000, 1, 1)) for o in ORGS]
    )
    _insert(con, "dim_employee", [(*e[:3], e[3], dt.date(2020, 1, 1)) for e in EMPLOYEES])
    _insert(
        con,
        "dim_customer",
        [
            (
                c[0],
                c[1],
                c[2],
                c[3],
                c[4],
                "男",
                dt.date(1990, 1, 1),
                c[5],
                c[6],
                "制造业" if c[2] == "对公" else None,
                "R2",
                dt.date(2024, 1, 1),
                c[7],
                c[8],
            )
            for c in CUSTOMERS
        ],
    )
    _insert(
        con,
        "dim_product",
        [
            ("P01", "活期存款", "活期存款", "存款", None),
            ("P02", "个人住房贷款", "个人住房贷款", "贷款", 360),
            ("P03", "稳健理财", "理财产品", "理财", 12),
        ],
    )
    _insert(
        con,
        "dim_date",
        [
            (
                d,
                d.year,
                (d.month - 1) // 3 + 1,
                d.month,
                d.day,
                d.day >= 30,
                d.month == 9 and d.day == 30,
                False,
                True,
            )
            for d in DATES
        ],
    )
    _facts(con)
    con.close()
