"""Loans: dim_loan and fact_loan_balance_monthly with five-class (五级分类) risk paths.

Each loan may turn bad after a seeded, geometric number of months (hazard by product, 分行,
size and customer risk level). A bad loan follows one of three paths: it progresses with its
overdue days (关注 -> 次级 -> 可疑 -> 损失, then written off), it stays 关注, or it cures back
to 正常. One loan per month is pushed from 正常 to 关注 so the migration rate (迁徙率) is never
empty, even at ``tiny``. The hazard is calibrated so the bank-wide NPL ratio averages ~1.5%.
"""

from __future__ import annotations

import duckdb

from asker.warehouse.demo_bank.sqlkit import weighted

# (kind number, product_type, who, monthly default hazard of a typical-size loan, typical
# contract amount, amortising). Bigger loans default less often (hazard ~ typical / amount).
_KINDS = """
(VALUES (1, '个人住房贷款', '个人', 0.0016, 650000, true),
        (2, '个人消费贷款', '个人', 0.0160, 80000, true),
        (3, '个人经营贷款', '个人', 0.0140, 500000, false),
        (4, '流动资金贷款', '对公', 0.0040, 1500000, false),
        (5, '流动资金贷款', '对公', 0.0040, 1500000, false),
        (6, '固定资产贷款', '对公', 0.0016, 4000000, true),
        (7, '普惠小微贷款', '对公', 0.0140, 600000, false))
    k(kno, product_type, holder, hazard, typical_amt, amortising)
"""

_HAS_LOAN = """
CASE k.kno
    WHEN 1 THEN CASE c.segment WHEN '按揭客群' THEN 0.95 WHEN '公积金客群' THEN 0.25 ELSE 0.05 END
    WHEN 2 THEN CASE c.segment WHEN '互联网客群' THEN 0.30 WHEN '代发工资客群' THEN 0.22
                ELSE 0.12 END
    WHEN 3 THEN CASE c.segment WHEN '普通客群' THEN 0.12 ELSE 0.05 END
    WHEN 4 THEN 0.55 WHEN 5 THEN 0.25 WHEN 6 THEN 0.15 ELSE 0.40 END
"""

_CONTRACT = """
CASE product_type
    WHEN '个人住房贷款' THEN round(lognorm(650000, 0.45, gauss('loan_amt', i, kno)), -4)
    WHEN '个人消费贷款' THEN round(lognorm(80000, 0.7, gauss('loan_amt', i, kno)), -3)
    WHEN '个人经营贷款' THEN round(lognorm(500000, 0.6, gauss('loan_amt', i, kno)), -4)
    WHEN '流动资金贷款' THEN round(lognorm(1500000, 0.7, gauss('loan_amt', i, kno)), -4)
    WHEN '固定资产贷款' THEN round(lognorm(4000000, 0.7, gauss('loan_amt', i, kno)), -5)
    ELSE round(lognorm(600000, 0.5, gauss('loan_amt', i, kno)), -4) END
"""

_BASE_RATE = """
CASE product_type WHEN '个人住房贷款' THEN 0.039 WHEN '个人消费贷款' THEN 0.055
    WHEN '个人经营贷款' THEN 0.048 WHEN '流动资金贷款' THEN 0.042 WHEN '固定资产贷款' THEN 0.045
    ELSE 0.040 END
"""

_GUARANTEES: dict[str, list[tuple[str, float]]] = {
    "个人住房贷款": [("抵押", 0.95), ("保证", 0.05)],
    "个人消费贷款": [("信用", 0.85), ("保证", 0.15)],
    "个人经营贷款": [("抵押", 0.6), ("保证", 0.3), ("质押", 0.1)],
    "流动资金贷款": [("保证", 0.45), ("抵押", 0.3), ("信用", 0.15), ("质押", 0.1)],
    "固定资产贷款": [("抵押", 0.7), ("保证", 0.3)],
    "普惠小微贷款": [("保证", 0.4), ("抵押", 0.35), ("信用", 0.25)],
}
_U_GUARANTEE = "unif('loan_guarantee', i, kno)"
_GUARANTEE = (
    "CASE product_type "
    + " ".join(
        f"WHEN '{kind}' THEN {weighted(pairs, _U_GUARANTEE)}" for kind, pairs in _GUARANTEES.items()
    )
    + " END"
)

# A loan starts at a uniform date from the later of the customer's open date and (history start
# minus the term) over at least ~5.5 years; loans that would start after the data date do not
# exist yet. So new customers borrow at the same pace as old ones.
LOAN_PLAN = f"""
CREATE TEMP TABLE loan_plan AS
WITH wanted AS (
    SELECT c.cust_no, c.cust_id, c.i, c.bno, c.cust_type, c.open_date AS cust_open,
           c.open_org_id, c.manager_emp_id, c.risk_level, k.*
    FROM cust_x c, {_KINDS}
    WHERE k.holder = c.cust_type AND unif('loan_has', c.i, k.kno) < {_HAS_LOAN}
),
bounded AS (
    SELECT w.*, p.product_id, p.term_months,
           greatest(w.cust_open, DATE '2012-01-01',
                    (hist_start() - to_months(p.term_months))::DATE) AS lower
    FROM wanted w JOIN product_x p
      ON p.product_type = w.product_type AND p.holder = w.holder
     AND p.rank_in_type = 1 + floor(unif('loan_prod', w.i, w.kno) * p.n_in_type)
)
SELECT * EXCLUDE (lower) FROM (
    SELECT *, lower + floor(unif('loan_start', i, kno)
                            * greatest(date_diff('day', lower, data_date()) + 1, 2000))::INTEGER
                  AS start_date
    FROM bounded
)
WHERE start_date <= data_date()
"""

# Risk: the month a loan turns bad is geometric with hazard h; the uniform behind it is
# stratified within each 分行 and loan kind, so every 分行 gets its fair share of bad loans.
# Bigger loans default less often and are more often restructured (stay 关注) than written off.
LOAN_X = f"""
CREATE OR REPLACE TEMP TABLE loan_x AS
WITH numbered AS (
    SELECT *, row_number() OVER (ORDER BY start_date, cust_no, kno) AS loan_no FROM loan_plan
),
priced AS (
    SELECT *, fmt_id('L', loan_no, 8) AS loan_id,
           (start_date + to_months(term_months))::DATE AS maturity_date,
           CAST({_CONTRACT} AS DECIMAL(18,2)) AS contract_amt,
           least(0.12, greatest(0.03, round({_BASE_RATE}
                 + 0.002 * (list_position(['R1','R2','R3','R4','R5'], risk_level) - 1)
                 + 0.004 * gauss('loan_rate', loan_no), 4))) AS rate,
           {_GUARANTEE} AS guarantee_type,
           CASE WHEN amortising THEN 1.0 ELSE 0.75 + 0.25 * unif('loan_util', loan_no) END AS util,
           least(3.0, greatest(0.15, typical_amt / contract_amt)) AS size_factor
    FROM numbered
),
risked AS (
    SELECT *,
           least(0.5, hazard_scale() * hazard * city_risks()[bno] * size_factor
               * (0.7 + 0.15 * (list_position(['R1','R2','R3','R4','R5'], risk_level) - 1))) AS h,
           (row_number() OVER (PARTITION BY bno, kno ORDER BY unif('loan_rank', loan_no), loan_no)
               - unif('loan_bad', loan_no)) / count(*) OVER (PARTITION BY bno, kno) AS u_bad,
           0.6 * least(1.3, greatest(0.25, pow(size_factor, 0.75))) AS p_progress,
           unif('loan_path', loan_no) AS u_path
    FROM priced
)
SELECT * EXCLUDE (u_bad, u_path, p_progress),
       month_idx(start_date) AS start_mi,
       month_idx(start_date) + 1 + floor(ln(u_bad) / ln(1 - h))::BIGINT AS b1,
       CASE WHEN u_path < p_progress THEN 'P'
            WHEN u_path < p_progress + (1 - p_progress) * 0.625 THEN 'S' ELSE 'C' END AS path,
       2 + floor(unif('loan_cure', loan_no) * 5)::INTEGER AS cure_after,
       1 + floor(unif('loan_od', loan_no) * 25)::INTEGER AS od_offset,  -- overdue days at b1
       240 + floor(unif('loan_writeoff', loan_no) * 480)::INTEGER AS writeoff_days,
       -- amortising personal loans are often repaid early (提前还款): about 6% a year
       CASE WHEN amortising AND holder = '个人'
            THEN month_idx(start_date) + 1
                 + floor(ln(unif('loan_prepay', loan_no)) / ln(1 - 0.005))::BIGINT
       END AS prepay_mi
FROM risked
"""

# One extra 正常 -> 关注 migration per month: each loan belongs to one month's draw (so no loan is
# drawn twice); the draw takes a loan outstanding over the whole month and still 正常 then.
FORCED = """
UPDATE loan_x SET b1 = f.mi
FROM (
    SELECT loan_no, mi FROM (
        SELECT loan_no, b1, 1 + floor(unif('loan_forced_m', loan_no) * month_idx(data_date()))
                                   ::BIGINT AS mi,
               start_date, maturity_date, prepay_mi
        FROM loan_x
    ) c
    WHERE start_date <= month_end_of(mi - 1) AND maturity_date > month_end_of(mi) AND b1 > mi
      AND (prepay_mi IS NULL OR prepay_mi > mi)
    QUALIFY row_number() OVER (PARTITION BY mi ORDER BY unif('loan_forced', loan_no), loan_no) = 1
) f
WHERE loan_x.loan_no = f.loan_no
"""

DIM_LOAN = """
INSERT INTO dim_loan
SELECT loan_id, cust_id, product_id, open_org_id, manager_emp_id, contract_amt, start_date,
       maturity_date, CAST(rate AS DECIMAL(8,6)), guarantee_type
FROM loan_x
"""

# Progressing bad loans stop paying at b1 (balance frozen) and are written off past writeoff_days;
# loans repaid early have no rows from prepay_mi on.
LOAN_ROWS = """
WITH lm AS (
    SELECT l.*, m.mi, m.month_end,
           CASE WHEN l.path = 'P' AND m.mi >= l.b1
                THEN date_diff('day', month_end_of(l.b1), m.month_end) + l.od_offset
           END AS od,
           CASE WHEN l.path = 'P' AND m.mi >= l.b1 THEN l.b1 - l.start_mi
                ELSE date_diff('month', l.start_date, m.month_end) END AS k
    FROM loan_x l JOIN month_x m
      ON m.month_end >= l.start_date AND m.month_end < l.maturity_date
    -- repaid early: no balance left (a loan already in default does not prepay)
    WHERE l.prepay_mi IS NULL OR m.mi < l.prepay_mi OR (l.path = 'P' AND l.b1 < l.prepay_mi)
),
classed AS (
    SELECT *,
           CASE WHEN mi < b1 THEN '正常'
                WHEN path = 'P' THEN CASE WHEN od <= 90 THEN '关注' WHEN od <= 180 THEN '次级'
                                          WHEN od <= 360 THEN '可疑' ELSE '损失' END
                WHEN path = 'S' OR mi < b1 + cure_after THEN '关注'
                ELSE '正常' END AS five_class,
           CASE WHEN mi < b1 THEN 0
                WHEN path = 'P' THEN od
                WHEN path = 'S' AND unif('loan_s_od', loan_no, mi) < 0.5 THEN 0
                WHEN path = 'S' THEN 1 + floor(unif('loan_s_days', loan_no, mi) * 60)
                WHEN mi < b1 + cure_after THEN 1 + floor(unif('loan_c_days', loan_no, mi) * 30)
                ELSE 0 END::INTEGER AS overdue_days,
           CAST(CASE WHEN amortising
                     THEN contract_amt * (pow(1 + rate / 12, term_months) - pow(1 + rate / 12, k))
                          / (pow(1 + rate / 12, term_months) - 1)
                     ELSE contract_amt * util END AS DECIMAL(18,2)) AS balance
    FROM lm
    WHERE od IS NULL OR od <= writeoff_days
)
SELECT month_end, loan_id, cust_id, open_org_id, product_id, manager_emp_id, balance, five_class,
       overdue_days
FROM classed
WHERE balance > 0
"""


MONTHLY = "INSERT INTO fact_loan_balance_monthly " + LOAN_ROWS

# Bank-wide NPL ratio at each of the (up to) 12 month ends ending with the data date.
NPL_BY_MONTH = f"""
WITH r AS ({LOAN_ROWS})
SELECT month_end,
       sum(balance) FILTER (WHERE five_class IN ('次级', '可疑', '损失')) / sum(balance) AS npl
FROM r WHERE month_end > data_date() - INTERVAL 12 MONTH
GROUP BY month_end ORDER BY month_end
"""

NPL_TARGET = 0.015


def _calibrate(con: duckdb.DuckDBPyConnection) -> None:
    """Scale the default hazard so the NPL ratio of the last 12 month ends averages ~1.5%.

    A few deterministic multiplicative steps (the NPL stock is about proportional to the hazard).
    The mean is taken in Python in month order so the float result never depends on threads.
    """
    scale = 1.0
    for _ in range(4):
        con.execute(f"CREATE OR REPLACE TEMP MACRO hazard_scale() AS {scale!r}")
        con.execute(LOAN_X)
        con.execute(FORCED)
        ratios = [float(r[1] or 0.0) for r in con.execute(NPL_BY_MONTH).fetchall()]
        level = sum(ratios) / len(ratios) if ratios else 0.0
        if abs(level - NPL_TARGET) < 0.0007:
            return
        scale = min(scale * 4, scale * NPL_TARGET / level) if level > 0 else scale * 4


def build(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(LOAN_PLAN)
    _calibrate(con)
    con.execute(DIM_LOAN)
    con.execute(MONTHLY)
    con.execute("DROP TABLE loan_plan")
