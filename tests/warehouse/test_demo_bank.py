"""The demo bank generator (ARCHITECTURE §4, §5 'Precise rules').

Every expectation is computed with plain SQL on the built file, never with the generator's helpers.
The tiny bank is the session fixture ``tiny_db`` (seed 42, data date 2026-09-30); the ``small``
tests build small once per module and check the realistic shapes.
"""

from __future__ import annotations

import re
import shutil
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pytest

from asker.warehouse.catalog import load_catalog
from asker.warehouse.demo_bank import SCALES, build_demo_bank

DATA_DATE = date(2026, 9, 30)
DD = f"DATE '{DATA_DATE}'"
NPL = "('次级', '可疑', '损失')"
CATALOG = load_catalog()
Con = duckdb.DuckDBPyConnection


def rows(con: Con, sql: str) -> list[tuple[Any, ...]]:
    return con.execute(sql).fetchall()


def one(con: Con, sql: str) -> Any:
    """The single value of a one-row, one-column query."""
    [(value,)] = rows(con, sql)
    return value


def none(con: Con, sql: str) -> None:
    """``sql`` is a SELECT count(*) of violations: there must be none."""
    assert one(con, sql) == 0, sql


def some(con: Con, sql: str) -> None:
    assert one(con, sql) > 0, sql


@pytest.fixture(scope="module")
def con(tiny_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Con]:
    # A copy: the sandboxed executor may hold the shared file open with another configuration,
    # and DuckDB refuses a second connection to one file with a different one (FACTS.md).
    copy = tmp_path_factory.mktemp("tiny") / "warehouse.duckdb"
    shutil.copyfile(tiny_db, copy)
    c = duckdb.connect(str(copy), read_only=True)
    yield c
    c.close()


# --- building ---------------------------------------------------------------------------------


def _fingerprints(path: Path) -> dict[str, tuple[Any, ...]]:
    """Order-independent content hash of every table."""
    sql = """SELECT count(*), bit_xor(hash(x)), sum(hash(x) % 1000000007)
             FROM (SELECT {}::VARCHAR AS x FROM {})"""
    with duckdb.connect(str(path), read_only=True) as c:
        return {t: rows(c, sql.format(t, t))[0] for t in CATALOG.table_names}


def test_same_seed_gives_identical_tables_and_another_seed_does_not(tmp_path: Path) -> None:
    steps: list[str] = []
    tiny = SCALES["tiny"]
    first = build_demo_bank(
        tmp_path / "a.duckdb", scale=tiny, seed=42, data_date=DATA_DATE, progress=steps.append
    )
    second = build_demo_bank(tmp_path / "b.duckdb", scale=tiny, seed=42, data_date=DATA_DATE)
    other = build_demo_bank(tmp_path / "c.duckdb", scale=tiny, seed=7, data_date=DATA_DATE)
    assert first == second
    assert set(first) == set(CATALOG.table_names)
    assert len(steps) >= 5 and len(set(steps)) == len(steps)
    a, b, c = (_fingerprints(tmp_path / n) for n in ("a.duckdb", "b.duckdb", "c.duckdb"))
    assert a == b
    assert a["dim_customer"] != c["dim_customer"]
    assert a["fact_deposit_balance_daily"] != c["fact_deposit_balance_daily"]
    assert other["dim_org"] == first["dim_org"]  # the org tree depends on the scale only
    with duckdb.connect(str(tmp_path / "a.duckdb"), read_only=True) as c1:
        assert {t: one(c1, f"SELECT count(*) FROM {t}") for t in first} == first


@pytest.mark.parametrize("bad", [date(2026, 9, 29), date(2026, 2, 27), date(2024, 2, 29)])
def test_data_date_must_be_a_month_end_from_march_2024(tmp_path: Path, bad: date) -> None:
    path = tmp_path / "w.duckdb"
    with pytest.raises(ValueError, match=r"month end|on or after") as err:
        build_demo_bank(path, scale=SCALES["tiny"], seed=1, data_date=bad)
    assert re.search(r"[\u4e00-\u9fff]", str(err.value))  # Chinese and English
    assert not path.exists()


def test_refuses_to_overwrite_an_existing_file(tmp_path: Path) -> None:
    path = tmp_path / "w.duckdb"
    path.write_text("keep me")
    with pytest.raises(FileExistsError):
        build_demo_bank(path, scale=SCALES["tiny"], seed=1, data_date=DATA_DATE)
    assert path.read_text() == "keep me"


# --- schema -----------------------------------------------------------------------------------


def test_exactly_the_catalog_tables_and_columns(con: Con) -> None:
    tables = {r[0] for r in rows(con, "SELECT table_name FROM duckdb_tables()")}
    assert tables == set(CATALOG.table_names)
    for table in CATALOG.tables:
        got = rows(
            con,
            f"""SELECT column_name, data_type FROM information_schema.columns
                WHERE table_name = '{table.name}' ORDER BY ordinal_position""",
        )
        assert got == [(c.name, c.type) for c in table.columns], table.name
    none(con, "SELECT count(*) FROM duckdb_views() WHERE NOT internal")
    none(con, "SELECT count(*) FROM duckdb_functions() WHERE NOT internal")
    none(con, "SELECT count(*) FROM duckdb_sequences()")


NULLABLE = {
    "dim_org": ("parent_org_id", "branch_id"),
    "dim_customer": ("gender", "birth_date", "segment", "industry"),
    "dim_product": ("term_months",),
    "dim_account": ("close_date", "card_no"),
    "fact_credit_application": ("approve_date", "approved_amt", "first_drawdown_date", "drawn_amt"),
    "fact_marketing_lead": ("viewed_date", "executed_date", "converted_date"),
}


def test_no_nulls_where_the_contract_has_none(con: Con) -> None:
    for table in CATALOG.tables:
        for col in table.columns:
            if col.name not in NULLABLE.get(table.name, ()):
                none(con, f'SELECT count(*) FROM {table.name} WHERE "{col.name}" IS NULL')


# --- calendar, orgs, staff, products ------------------------------------------------------------


def test_dim_date_covers_2024_to_2026(con: Con) -> None:
    span = rows(con, "SELECT min(biz_date), max(biz_date), count(*) FROM dim_date")
    assert span == [(date(2024, 1, 1), date(2026, 12, 31), 1096)]
    assert one(con, "SELECT count(*) FILTER (WHERE is_month_end) FROM dim_date") == 36
    assert one(con, "SELECT count(*) FILTER (WHERE is_quarter_end) FROM dim_date") == 12
    assert one(con, "SELECT count(*) FILTER (WHERE is_year_end) FROM dim_date") == 3
    none(con, "SELECT count(*) FROM dim_date WHERE is_month_end <> (biz_date = last_day(biz_date))")
    holidays = "('2024-10-01', '2025-01-01', '2026-01-03')"
    none(con, f"SELECT count(*) FROM dim_date WHERE biz_date IN {holidays} AND is_workday")


def test_org_tree(con: Con) -> None:
    hq = rows(con, "SELECT org_id, parent_org_id, branch_id FROM dim_org WHERE org_level = '总行'")
    assert hq == [("HQ", None, None)]
    branches = rows(
        con,
        """SELECT org_id, org_name, city, parent_org_id, branch_id FROM dim_org
           WHERE org_level = '分行' ORDER BY org_id""",
    )
    cities = ["上海", "北京", "广州", "深圳", "成都", "重庆", "杭州", "南京", "武汉", "西安"]
    assert branches == [
        (f"B{i:02d}", f"{c}分行", c, "HQ", f"B{i:02d}") for i, c in enumerate(cities, 1)
    ]
    subs = rows(
        con,
        """SELECT s.org_id, s.org_name, s.parent_org_id, s.branch_id, s.city, b.city
           FROM dim_org s JOIN dim_org b ON b.org_id = s.parent_org_id
           WHERE s.org_level = '支行' ORDER BY s.org_id""",
    )
    for org_id, name, parent, branch, city, branch_city in subs:
        assert re.fullmatch(r"B\d{2}S\d{2}", org_id) and org_id.startswith(parent)
        assert parent == branch and city == branch_city
        assert name.startswith(city) and name.endswith("支行")
    assert len({s[1] for s in subs}) == len(subs)
    per_branch = "SELECT count(*) n FROM dim_org WHERE org_level = '支行' GROUP BY parent_org_id"
    assert one(con, f"SELECT min(n) FROM ({per_branch})") >= 2
    # ids sort naturally: a 分行 right before its 支行; B05S01 is the first 支行 of 成都
    ordered = [r[0] for r in rows(con, "SELECT org_id FROM dim_org ORDER BY org_id")]
    assert ordered.index("B05") + 1 == ordered.index("B05S01")
    assert one(con, "SELECT org_name FROM dim_org WHERE org_id = 'B05S01'").startswith("成都")


def test_staff(con: Con) -> None:
    ids = [r[0] for r in rows(con, "SELECT emp_id FROM dim_employee ORDER BY emp_id")]
    assert ids == [f"E{i:05d}" for i in range(1, len(ids) + 1)]
    for level, head in (("支行", "支行行长"), ("分行", "分行行长")):
        none(
            con,
            f"""SELECT count(*) FROM dim_org o WHERE org_level = '{level}' AND 1 <> (
                    SELECT count(*) FROM dim_employee e
                    WHERE e.org_id = o.org_id AND position = '{head}')""",
        )
    analysts = rows(con, "SELECT DISTINCT org_id FROM dim_employee WHERE position = '分析师'")
    assert analysts == [("HQ",)]
    none(
        con,
        """SELECT count(*) FROM dim_employee e JOIN dim_org o USING (org_id)
           WHERE position IN ('客户经理', '理财经理') AND org_level <> '支行'""",
    )
    none(
        con,
        "SELECT count(*) FROM dim_employee WHERE NOT regexp_full_match(emp_name, '\\p{Han}{2,3}')",
    )


def test_products(con: Con) -> None:
    types = dict(rows(con, "SELECT DISTINCT product_type, category FROM dim_product"))
    assert set(types) == {
        *("活期存款", "定期存款", "大额存单", "理财产品"),
        *(
            "个人住房贷款",
            "个人消费贷款",
            "个人经营贷款",
            "流动资金贷款",
            "固定资产贷款",
            "普惠小微贷款",
        ),
    }
    assert set(types.values()) == {"存款", "贷款", "理财"}
    none(
        con,
        """SELECT count(*) FROM dim_product
           WHERE (term_months IS NULL) <> (product_type = '活期存款')""",
    )
    terms = "SELECT DISTINCT term_months FROM dim_product WHERE product_type = "
    assert {r[0] for r in rows(con, terms + "'定期存款'")} == {3, 6, 12, 24, 36, 60}
    assert {r[0] for r in rows(con, terms + "'大额存单'")} == {12, 36}


# --- customers ----------------------------------------------------------------------------------


def test_customers_belong_to_a_sub_branch_and_its_manager(con: Con) -> None:
    none(
        con,
        """SELECT count(*) FROM dim_customer c LEFT JOIN dim_org o ON o.org_id = c.open_org_id
           WHERE o.org_level IS DISTINCT FROM '支行'""",
    )
    none(
        con,
        """SELECT count(*) FROM dim_customer c
           LEFT JOIN dim_employee e ON e.emp_id = c.manager_emp_id
           WHERE e.org_id IS DISTINCT FROM c.open_org_id
              OR e.position IS DISTINCT FROM '客户经理'""",
    )
    first_manager = one(
        con,
        "SELECT min(emp_id) FROM dim_employee WHERE org_id = 'B05S01' AND position = '客户经理'",
    )
    book = one(con, f"SELECT count(*) FROM dim_customer WHERE manager_emp_id = '{first_manager}'")
    assert book >= 50
    ids = [r[0] for r in rows(con, "SELECT cust_id FROM dim_customer ORDER BY cust_id")]
    assert ids == [f"C{i:07d}" for i in range(1, len(ids) + 1)]
    assert 1000 <= len(ids) <= 1500


def _id_check(id17: str) -> str:
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return "10X98765432"[sum(int(d) * w for d, w in zip(id17, weights, strict=True)) % 11]


def test_people_look_real(con: Con) -> None:
    people = rows(
        con,
        """SELECT cust_name, id_no, mobile, gender, birth_date, address, segment, industry,
                  open_date
           FROM dim_customer WHERE cust_type = '个人'""",
    )
    segments = {"代发工资客群", "按揭客群", "定期客群", "互联网客群", "公积金客群", "普通客群"}
    for name, id_no, mobile, gender, birth, address, segment, industry, opened in people:
        assert re.fullmatch(r"[\u4e00-\u9fff]{2,3}", name)
        assert re.fullmatch(r"\d{17}[\dX]", id_no) and id_no[17] == _id_check(id_no[:17])
        assert id_no[6:14] == birth.strftime("%Y%m%d")
        assert (int(id_no[16]) % 2 == 1) == (gender == "男")
        assert re.fullmatch(r"1[35789]\d{9}", mobile)
        assert len(address) >= 10 and "市" in address and "号" in address
        assert segment in segments and industry is None
        assert (opened - birth).days >= 18 * 365


def test_companies_look_real(con: Con) -> None:
    companies = rows(
        con,
        """SELECT cust_name, id_no, mobile, gender, birth_date, segment, industry, address
           FROM dim_customer WHERE cust_type = '对公'""",
    )
    n_people = one(con, "SELECT count(*) FROM dim_customer WHERE cust_type = '个人'")
    assert 0.08 <= len(companies) / (len(companies) + n_people) <= 0.16
    for name, id_no, mobile, gender, birth, segment, industry, address in companies:
        assert name.endswith("有限公司") and re.fullmatch(r"91\d{6}[0-9A-Z]{10}", id_no)
        assert gender is None and birth is None and segment is None and industry
        assert re.fullmatch(r"1[35789]\d{9}", mobile) and len(address) >= 10


def test_customer_dates_and_levels(con: Con) -> None:
    none(
        con,
        f"""SELECT count(*) FROM dim_customer WHERE risk_level NOT IN ('R1','R2','R3','R4','R5')
            OR open_date NOT BETWEEN '2010-01-01' AND {DD}""",
    )
    empty_months = f"""
        SELECT count(*) FROM dim_date d WHERE d.is_month_end AND d.biz_date <= {DD}
          AND NOT EXISTS (
              SELECT 1 FROM dim_customer c
              WHERE date_trunc('month', c.open_date) = date_trunc('month', d.biz_date))"""
    none(con, empty_months)  # 新增客户数 is never empty


# --- precise rules --------------------------------------------------------------------------------


def test_daily_balances_cover_every_open_day_exactly(con: Con) -> None:
    expected = one(
        con,
        f"""SELECT sum(greatest(0, date_diff('day', greatest(open_date, DATE '2024-01-01'),
                       least(coalesce(close_date - 1, {DD}), {DD})) + 1))
            FROM dim_account""",
    )
    assert one(con, "SELECT count(*) FROM fact_deposit_balance_daily") == expected
    distinct = "SELECT DISTINCT biz_date, account_id FROM fact_deposit_balance_daily"
    assert one(con, f"SELECT count(*) FROM ({distinct})") == expected
    none(
        con,
        f"""SELECT count(*) FROM fact_deposit_balance_daily f JOIN dim_account a USING (account_id)
            WHERE f.biz_date < a.open_date
               OR f.biz_date >= coalesce(a.close_date, DATE '9999-12-31')
               OR f.biz_date NOT BETWEEN DATE '2024-01-01' AND {DD}
               OR f.balance < 0 OR f.cust_id <> a.cust_id OR f.product_id <> a.product_id""",
    )


def test_accounts(con: Con) -> None:
    none(
        con,
        f"""SELECT count(*) FROM dim_account a JOIN dim_customer c USING (cust_id)
            JOIN dim_product p USING (product_id)
            WHERE a.open_date < c.open_date OR p.category <> '存款'
               OR a.close_date <= a.open_date OR a.close_date > {DD}
               OR (a.status = '销户') <> (a.close_date IS NOT NULL)
               OR a.status NOT IN ('正常', '销户', '冻结')
               OR (c.cust_type = '个人' AND NOT regexp_full_match(a.card_no, '62\\d{{14,17}}'))""",
    )
    per_customer = "SELECT count(*) n FROM dim_account GROUP BY cust_id"
    assert rows(con, f"SELECT min(n), max(n) FROM ({per_customer})") == [(1, 3)]
    none(
        con,
        """SELECT count(*) FROM dim_customer c
           WHERE NOT EXISTS (SELECT 1 FROM dim_account a WHERE a.cust_id = c.cust_id)""",
    )
    some(con, "SELECT count(*) FROM dim_account WHERE status = '冻结'")


BOOKED = (
    "dim_account",
    "dim_loan",
    "fact_deposit_balance_daily",
    "fact_loan_balance_monthly",
    "fact_transaction",
    "fact_customer_aum_monthly",
    "fact_credit_application",
    "fact_marketing_lead",
)


@pytest.mark.parametrize("table", BOOKED)
def test_booking_at_the_customers_sub_branch(con: Con, table: str) -> None:
    none(
        con,
        f"""SELECT count(*) FROM {table} t LEFT JOIN dim_customer c USING (cust_id)
            WHERE t.org_id IS DISTINCT FROM c.open_org_id""",
    )
    if table in ("dim_loan", "fact_loan_balance_monthly"):
        none(
            con,
            f"""SELECT count(*) FROM {table} t JOIN dim_customer c USING (cust_id)
                WHERE t.manager_emp_id <> c.manager_emp_id""",
        )


@pytest.mark.parametrize("table", ["fact_loan_balance_monthly", "fact_customer_aum_monthly"])
def test_month_end_columns(con: Con, table: str) -> None:
    got = rows(con, f"SELECT DISTINCT month_end FROM {table} ORDER BY 1")
    month_ends = f"SELECT biz_date FROM dim_date WHERE is_month_end AND biz_date <= {DD} ORDER BY 1"
    assert got == rows(con, month_ends)


def test_loans(con: Con) -> None:
    none(
        con,
        f"""SELECT count(*) FROM dim_loan l JOIN dim_product p USING (product_id)
            WHERE p.category <> '贷款' OR l.start_date > {DD}
               OR l.maturity_date <= l.start_date OR l.contract_amt <= 0
               OR l.interest_rate NOT BETWEEN 0.03 AND 0.12
               OR l.guarantee_type NOT IN ('信用', '抵押', '保证', '质押')""",
    )
    none(
        con,
        """SELECT count(*) FROM fact_loan_balance_monthly f JOIN dim_loan l USING (loan_id)
           WHERE f.month_end < l.start_date OR f.month_end >= l.maturity_date
              OR f.balance <= 0 OR f.balance > l.contract_amt OR f.product_id <> l.product_id
              OR f.five_class NOT IN ('正常', '关注', '次级', '可疑', '损失')
              OR (f.five_class = '正常' AND f.overdue_days <> 0)
              OR (f.five_class IN ('次级', '可疑', '损失') AND f.overdue_days <= 90)
              OR f.overdue_days < 0""",
    )
    keys = "SELECT DISTINCT month_end, loan_id FROM fact_loan_balance_monthly"
    assert one(con, f"SELECT count(*) FROM ({keys})") == one(
        con, "SELECT count(*) FROM fact_loan_balance_monthly"
    )
    some(
        con,
        """SELECT count(*) FROM fact_loan_balance_monthly
           WHERE five_class = '关注' AND overdue_days > 0""",
    )


def test_aum_is_deposits_plus_wealth(con: Con) -> None:
    none(
        con,
        """WITH d AS (SELECT biz_date, cust_id, sum(balance) AS dep FROM fact_deposit_balance_daily
                      WHERE biz_date = last_day(biz_date) GROUP BY ALL)
           SELECT count(*) FROM d FULL JOIN fact_customer_aum_monthly a
             ON a.month_end = d.biz_date AND a.cust_id = d.cust_id
           WHERE a.deposit_amt IS DISTINCT FROM d.dep OR a.aum_amt <> a.deposit_amt + a.wealth_amt
              OR a.wealth_amt < 0""",
    )
    effective = f"""
        SELECT count(*) FROM fact_customer_aum_monthly a JOIN dim_customer c USING (cust_id)
        WHERE month_end = {DD} AND cust_type = '个人' AND aum_amt >= 10000"""
    assert one(con, effective) >= 100
    some(
        con,
        f"SELECT count(*) FROM fact_customer_aum_monthly WHERE month_end = {DD} AND wealth_amt > 0",
    )


def test_transactions(con: Con) -> None:
    none(
        con,
        f"""SELECT count(*) FROM fact_transaction t JOIN dim_account a USING (account_id)
            WHERE t.biz_date < a.open_date
               OR t.biz_date >= coalesce(a.close_date, DATE '9999-12-31')
               OR t.biz_date NOT BETWEEN DATE '2024-01-01' AND {DD}
               OR t.txn_time::DATE <> t.biz_date OR t.cust_id <> a.cust_id OR t.amount <= 0
               OR t.channel NOT IN ('柜面', '手机银行', '网上银行', 'ATM', '微信银行')
               OR t.direction NOT IN ('转入', '转出')""",
    )
    lo, hi, n, n_distinct = rows(
        con,
        "SELECT min(txn_id), max(txn_id), count(*), count(DISTINCT txn_id) FROM fact_transaction",
    )[0]
    assert (lo, hi, n_distinct) == ("T000000001", f"T{n:09d}", n)
    none(
        con,
        """SELECT count(*) FROM fact_transaction
           WHERE NOT regexp_matches(counterparty_name, '\\p{Han}{2,}')""",
    )
    types = {r[0] for r in rows(con, "SELECT DISTINCT txn_type FROM fact_transaction")}
    assert types >= {"工资代发", "转账", "消费", "取现", "理财申赎", "贷款还款"}


def test_credit_applications(con: Con) -> None:
    none(
        con,
        f"""SELECT count(*) FROM fact_credit_application a JOIN dim_product p USING (product_id)
            WHERE p.category <> '贷款' OR a.apply_date NOT BETWEEN '2024-01-01' AND {DD}
               OR a.status NOT IN ('审批中', '通过', '拒绝')
               OR (a.status = '审批中') <> (a.approve_date IS NULL)
               OR a.approve_date < a.apply_date OR a.approve_date > {DD}
               OR (a.status = '通过') <> (a.approved_amt IS NOT NULL)
               OR a.approved_amt > a.apply_amt
               OR (a.first_drawdown_date IS NOT NULL AND a.status <> '通过')
               OR (a.first_drawdown_date IS NULL) <> (a.drawn_amt IS NULL)
               OR a.first_drawdown_date < a.approve_date OR a.first_drawdown_date > {DD}
               OR a.drawn_amt > a.approved_amt
               OR a.channel NOT IN ('柜面', '手机银行', '网上银行', '客户经理推荐')""",
    )


def test_marketing_leads(con: Con) -> None:
    none(
        con,
        f"""SELECT count(*) FROM fact_marketing_lead l JOIN dim_customer c USING (cust_id)
            JOIN dim_employee e ON e.emp_id = l.emp_id
            WHERE e.org_id <> c.open_org_id OR e.position <> '客户经理'
               OR l.created_date NOT BETWEEN '2024-01-01' AND {DD}
               OR l.viewed_date < l.created_date OR l.executed_date < l.viewed_date
               OR l.converted_date < l.executed_date
               OR (l.executed_date IS NOT NULL AND l.viewed_date IS NULL)
               OR (l.converted_date IS NOT NULL AND l.executed_date IS NULL)
               OR greatest(l.viewed_date, l.executed_date, l.converted_date) > {DD}
               OR l.lead_source NOT IN ('模型推荐', '到期提醒', '大额变动', '客户经理录入')""",
    )
    rate = one(con, "SELECT count(converted_date) / count(*) FROM fact_marketing_lead")
    assert 0.05 <= rate <= 0.25


def test_budgets_cover_every_org_and_month(con: Con) -> None:
    none(
        con,
        """SELECT count(*) FROM dim_org o, range(2024, 2027) y(y), range(1, 13) m(m),
                (VALUES ('deposit_balance'), ('loan_balance')) c(code)
           WHERE o.org_level IN ('分行', '支行') AND NOT EXISTS (
               SELECT 1 FROM fact_budget_target b WHERE b.org_id = o.org_id AND b.year = y.y
                 AND b.month = m.m AND b.metric_code = c.code)""",
    )
    n_orgs = one(con, "SELECT count(*) FROM dim_org WHERE org_level IN ('分行', '支行')")
    assert one(con, "SELECT count(*) FROM fact_budget_target") == n_orgs * 36 * 2
    lo, hi = budget_to_actual(con)
    assert lo >= 0.85 and hi <= 1.15


def budget_to_actual(con: Con) -> tuple[float, float]:
    """Lowest and highest target / actual month-end balance up to the data date."""
    lo, hi, n = rows(
        con,
        f"""WITH actual AS (
                SELECT f.biz_date AS month_end, o.org_id, 'deposit_balance' AS code,
                       sum(balance) AS v
                FROM fact_deposit_balance_daily f JOIN dim_org s ON s.org_id = f.org_id
                JOIN dim_org o ON o.org_id IN (s.org_id, s.branch_id)
                WHERE f.biz_date = last_day(f.biz_date) GROUP BY ALL
                UNION ALL
                SELECT f.month_end, o.org_id, 'loan_balance', sum(balance)
                FROM fact_loan_balance_monthly f JOIN dim_org s ON s.org_id = f.org_id
                JOIN dim_org o ON o.org_id IN (s.org_id, s.branch_id) GROUP BY ALL
            )
            SELECT min(b.target_value / a.v), max(b.target_value / a.v), count(*)
            FROM fact_budget_target b JOIN actual a
              ON a.org_id = b.org_id AND a.code = b.metric_code
             AND a.month_end = last_day(make_date(b.year, b.month, 1))
            WHERE make_date(b.year, b.month, 1) <= {DD}""",
    )[0]
    assert n > 0
    return float(lo), float(hi)


MONTH, QUARTER = "DATE '2026-09-01'", "DATE '2026-07-01'"
DATA_MONTH_FACTS = {
    "large outflow": f"""SELECT count(*) FROM fact_transaction
        WHERE direction = '转出' AND amount >= 500000 AND biz_date >= {MONTH}""",
    "dormant account": f"""SELECT count(*) FROM fact_deposit_balance_daily f
        WHERE f.biz_date = {DD} AND f.balance > 0 AND NOT EXISTS (
            SELECT 1 FROM fact_transaction t WHERE t.account_id = f.account_id
              AND t.biz_date BETWEEN {DD} - 179 AND {DD})""",
    "npl": f"""SELECT count(*) FROM fact_loan_balance_monthly
        WHERE month_end = {DD} AND five_class IN {NPL}""",
    "migration": """SELECT count(*) FROM fact_loan_balance_monthly p
        JOIN fact_loan_balance_monthly c ON c.loan_id = p.loan_id AND c.month_end = '2026-09-30'
        WHERE p.month_end = '2026-08-31' AND p.five_class = '正常' AND c.five_class <> '正常'""",
    "lead converted": f"""SELECT count(*) FROM fact_marketing_lead
        WHERE converted_date IS NOT NULL AND created_date >= {QUARTER}""",
    "application": f"SELECT count(*) FROM fact_credit_application WHERE apply_date >= {MONTH}",
    "drawn": f"""SELECT count(*) FROM fact_credit_application
        WHERE status = '通过' AND drawn_amt > 0 AND apply_date >= {QUARTER}""",
    "new loan": f"SELECT count(*) FROM dim_loan WHERE start_date >= {MONTH}",
    "new customer": f"SELECT count(*) FROM dim_customer WHERE open_date >= {MONTH}",
    "balance": f"SELECT count(*) FROM fact_deposit_balance_daily WHERE biz_date = {DD}",
    "aum": f"SELECT count(*) FROM fact_customer_aum_monthly WHERE month_end = {DD}",
}


@pytest.mark.parametrize("fact", list(DATA_MONTH_FACTS))
def test_every_metric_has_data_in_the_data_month(con: Con, fact: str) -> None:
    some(con, DATA_MONTH_FACTS[fact])


# --- realistic shapes on small ----------------------------------------------------------------


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Con]:
    path = tmp_path_factory.mktemp("small") / "warehouse.duckdb"
    started = time.perf_counter()
    build_demo_bank(path, scale=SCALES["small"], seed=42, data_date=DATA_DATE)
    elapsed = time.perf_counter() - started
    print(f"\nsmall demo bank: {elapsed:.1f} s, {path.stat().st_size / 1e6:.0f} MB")
    c = duckdb.connect(str(path), read_only=True)
    yield c
    c.close()


@pytest.mark.small
def test_small_size(small: Con) -> None:
    assert 19_000 <= one(small, "SELECT count(*) FROM dim_customer") <= 21_000
    assert 0.86 <= one(small, "SELECT avg((cust_type = '个人')::INT) FROM dim_customer") <= 0.90
    assert 250 <= one(small, "SELECT count(*) FROM dim_employee") <= 350
    per_branch = "SELECT count(*) n FROM dim_org WHERE org_level = '支行' GROUP BY parent_org_id"
    assert rows(small, f"SELECT min(n), max(n) FROM ({per_branch})") == [(4, 8)]
    assert 1_000_000 <= one(small, "SELECT count(*) FROM fact_transaction") <= 3_000_000


@pytest.mark.small
def test_small_npl_ratio_between_1_and_2_percent_with_branch_differences(small: Con) -> None:
    npl = f"sum(balance) FILTER (WHERE five_class IN {NPL}) / sum(balance)"
    by_month = rows(
        small,
        f"""SELECT month_end, {npl} FROM fact_loan_balance_monthly
            WHERE month_end >= '2026-01-31' GROUP BY 1""",
    )
    assert len(by_month) == 9
    assert all(0.01 <= r <= 0.02 for _, r in by_month), by_month
    by_branch = rows(
        small,
        f"""SELECT o.branch_id, {npl} FROM fact_loan_balance_monthly f JOIN dim_org o USING (org_id)
            WHERE month_end = {DD} GROUP BY 1""",
    )
    ratios = [r for _, r in by_branch]
    assert len(ratios) == 10 and all(0.002 <= r <= 0.04 for r in ratios), by_branch
    assert max(ratios) - min(ratios) >= 0.008
    migrating_months = """
        SELECT count(DISTINCT c.month_end) FROM fact_loan_balance_monthly p
        JOIN fact_loan_balance_monthly c ON c.loan_id = p.loan_id
         AND c.month_end = last_day(p.month_end + INTERVAL 1 MONTH)
        WHERE p.five_class = '正常' AND c.five_class <> '正常'"""
    assert one(small, migrating_months) == 32


@pytest.mark.small
def test_small_quarter_end_uplift(small: Con) -> None:
    uplift = rows(
        small,
        """WITH d AS (SELECT biz_date, sum(balance) AS b FROM fact_deposit_balance_daily GROUP BY 1)
           SELECT q.biz_date, q.b / m.b - 1 FROM d q JOIN d m ON m.biz_date = q.biz_date - 15
           WHERE month(q.biz_date) % 3 = 0 AND q.biz_date = last_day(q.biz_date)""",
    )
    assert len(uplift) == 11
    assert all(0.03 <= u <= 0.10 for _, u in uplift), uplift


@pytest.mark.small
@pytest.mark.parametrize("day", ["2025-06-30", "2026-09-30"])
def test_small_dormant_accounts(small: Con, day: str) -> None:
    open_positive, dormant = rows(
        small,
        f"""SELECT count(*), count(*) FILTER (WHERE NOT EXISTS (
                SELECT 1 FROM fact_transaction t WHERE t.account_id = f.account_id
                  AND t.biz_date BETWEEN DATE '{day}' - 179 AND DATE '{day}'))
            FROM fact_deposit_balance_daily f WHERE biz_date = '{day}' AND balance > 0""",
    )[0]
    assert 0.05 * open_positive <= dormant <= 0.6 * open_positive


@pytest.mark.small
def test_small_credit_funnel_narrows(small: Con) -> None:
    applied, approved, rejected, drawn = rows(
        small,
        """SELECT count(*), count(*) FILTER (WHERE status = '通过'),
                  count(*) FILTER (WHERE status = '拒绝'), count(first_drawdown_date)
           FROM fact_credit_application""",
    )[0]
    assert applied > approved > drawn > 0
    assert 0.6 <= approved / (approved + rejected) <= 0.8
    assert 0.5 <= drawn / approved <= 0.8
    none(
        small,
        f"""SELECT count(*) FROM dim_org b, dim_date d
            WHERE b.org_level = '分行' AND d.is_month_end AND d.biz_date <= {DD}
              AND NOT EXISTS (
                  SELECT 1 FROM fact_credit_application a JOIN dim_org s USING (org_id)
                  WHERE s.branch_id = b.org_id
                    AND date_trunc('month', a.apply_date) = date_trunc('month', d.biz_date))""",
    )


@pytest.mark.small
def test_small_budgets_within_15_percent(small: Con) -> None:
    lo, hi = budget_to_actual(small)
    assert 0.85 <= lo < 0.95 and 1.05 < hi <= 1.15


@pytest.mark.small
def test_small_balances_are_skewed(small: Con) -> None:
    mean, median, top1 = rows(
        small,
        f"""SELECT avg(balance)::DOUBLE, median(balance)::DOUBLE,
                   (sum(balance) FILTER (WHERE r <= n / 100) / sum(balance))::DOUBLE
            FROM (SELECT balance, row_number() OVER (ORDER BY balance DESC) AS r,
                         count(*) OVER () AS n
                  FROM fact_deposit_balance_daily WHERE biz_date = {DD})""",
    )[0]
    assert mean > 1.5 * median and top1 >= 0.2
    some(
        small,
        f"SELECT count(*) FROM fact_deposit_balance_daily WHERE biz_date = {DD} AND balance = 0",
    )
    corp, retail = rows(
        small,
        f"""SELECT median(f.balance) FILTER (WHERE c.cust_type = '对公'),
                   median(f.balance) FILTER (WHERE c.cust_type = '个人')
            FROM fact_deposit_balance_daily f JOIN dim_customer c USING (cust_id)
            WHERE biz_date = {DD}""",
    )[0]
    assert corp > 5 * retail


@pytest.mark.small
def test_small_bank_level_ratios(small: Con) -> None:
    ldr = rows(
        small,
        """WITH d AS (SELECT biz_date, sum(balance) b FROM fact_deposit_balance_daily
                      WHERE biz_date = last_day(biz_date) GROUP BY 1),
                l AS (SELECT month_end, sum(balance) b FROM fact_loan_balance_monthly GROUP BY 1)
           SELECT d.biz_date, l.b / d.b FROM d JOIN l ON l.month_end = d.biz_date""",
    )
    assert all(0.6 <= r <= 0.9 for _, r in ldr), ldr
    mobile = rows(
        small,
        """SELECT year(biz_date), avg((channel = '手机银行')::INT) FROM fact_transaction
           GROUP BY 1 ORDER BY 1""",
    )
    assert mobile[0][1] < mobile[-1][1]
    top = rows(
        small, "SELECT channel FROM fact_transaction GROUP BY 1 ORDER BY count(*) DESC LIMIT 1"
    )
    assert top == [("手机银行",)]
    large_months = """SELECT count(DISTINCT date_trunc('month', biz_date)) FROM fact_transaction
                      WHERE direction = '转出' AND amount >= 500000"""
    assert one(small, large_months) == 33
    conversion = one(small, "SELECT count(converted_date) / count(*) FROM fact_marketing_lead")
    assert 0.05 <= conversion <= 0.25
