"""Deposits: dim_account, fact_deposit_balance_daily and fact_customer_aum_monthly.

Balances are generated per account and month (a skewed base level, a mild upward trend and
yearly, quarterly and monthly shocks), then spread over the days of the month with the calendar
factor of ``cal_x`` (month-end and quarter-end uplift on demand deposits). Temp tables kept for
later steps: ``acct_x`` (accounts with customer attributes) and ``acct_month`` (account x month).
"""

from __future__ import annotations

import duckdb

# Which deposit accounts a customer holds: slot 1 is the demand (活期) account opened with the
# relationship; slots 2 and 3 are time deposits / 大额存单 (对公 slot 3: a second demand account),
# opened later at a steady pace (accounts whose date falls after the data date do not exist yet).
ACCT_PLAN = """
CREATE TEMP TABLE acct_plan AS
WITH slots AS (
    SELECT c.*, s::INTEGER AS slot,
           unif('acct_has', c.i, s) AS u_has, unif('acct_kind', c.i, s) AS u_kind
    FROM cust_x c, range(1, 4) t(s)
),
typed AS (
    SELECT *,
           CASE WHEN slot = 1 THEN '活期存款'
                WHEN NOT is_corp AND slot = 2 AND u_has < 0.42
                    THEN CASE WHEN u_kind < 0.12 THEN '大额存单' ELSE '定期存款' END
                WHEN NOT is_corp AND slot = 3 AND u_has < 0.12
                    THEN CASE WHEN u_kind < 0.30 THEN '大额存单' ELSE '定期存款' END
                WHEN is_corp AND slot = 2 AND u_has < 0.50
                    THEN CASE WHEN u_kind < 0.04 THEN '大额存单' ELSE '定期存款' END
                WHEN is_corp AND slot = 3 AND u_has < 0.15 THEN '活期存款'
           END AS product_type
    FROM slots
)
SELECT * FROM (
    SELECT t.cust_no, t.cust_id, t.i, t.slot, t.is_corp, t.open_org_id AS org_id, t.bno,
           t.cust_name, t.segment, t.product_type, p.product_id, p.term_months,
           CASE WHEN t.slot = 1 THEN t.open_date
                ELSE t.open_date + floor(pow(unif('acct_open', t.i, t.slot), 1.3)
                         * greatest(date_diff('day', t.open_date, data_date()) + 1, 2400))::INTEGER
           END AS open_date
    FROM typed t
    JOIN product_x p
      ON p.product_type = t.product_type AND p.holder = t.cust_type
     AND p.rank_in_type = 1 + floor(pow(unif('acct_prod', t.i, t.slot), 1.5) * p.n_in_type)
)
WHERE open_date <= data_date()
"""

# Closing: a few demand accounts close at a random date, 30% of time deposits at maturity.
ACCT_X = """
CREATE TEMP TABLE acct_x AS
WITH closing AS (
    SELECT *,
           CASE WHEN term_months IS NOT NULL
                THEN CASE WHEN unif('acct_close', i, slot) < 0.30
                          THEN open_date + to_months(term_months) END
                WHEN unif('acct_close', i, slot) < CASE WHEN slot = 1 THEN 0.03 ELSE 0.10 END
                THEN between_days(open_date + 30, data_date(), unif('acct_close_day', i, slot))
           END AS close_raw
    FROM acct_plan
),
numbered AS (
    SELECT *, CASE WHEN close_raw <= data_date() THEN close_raw::DATE END AS close_date,
           row_number() OVER (ORDER BY open_date, cust_no, slot) AS acct_no
    FROM closing
)
SELECT acct_no, fmt_id('A', acct_no, 8) AS account_id, cust_no, cust_id, i, slot, is_corp,
       org_id, bno, cust_name, segment, product_id, product_type, term_months, open_date,
       close_date,
       CASE WHEN close_date IS NOT NULL THEN '销户'
            WHEN unif('acct_frozen', acct_no) < 0.015 THEN '冻结' ELSE '正常' END AS status,
       -- a card number never encodes the account (ARCHITECTURE §6): BIN + 12 random digits + Luhn
       CASE WHEN NOT is_corp
            THEN '621785' || rand_digits('card', acct_no, 12)
                 || luhn_check('621785' || rand_digits('card', acct_no, 12))
       END AS card_no,
       CASE WHEN product_type <> '活期存款' THEN 0 WHEN is_corp THEN 2 ELSE 1 END AS cls,
       CASE WHEN product_type = '活期存款' AND NOT is_corp
                THEN lognorm(10000, 1.5, gauss('bal_base', acct_no))
            WHEN product_type = '活期存款' THEN lognorm(150000, 1.6, gauss('bal_base', acct_no))
            WHEN product_type = '定期存款' AND NOT is_corp
                THEN round(lognorm(80000, 0.9, gauss('bal_base', acct_no)), -3)
            WHEN product_type = '定期存款'
                THEN round(lognorm(800000, 1.0, gauss('bal_base', acct_no)), -4)
            WHEN NOT is_corp
                THEN 200000 + round(lognorm(150000, 0.8, gauss('bal_base', acct_no)), -4)
            ELSE 10000000 + round(lognorm(1000000, 0.8, gauss('bal_base', acct_no)), -5)
       END AS base,
       -- some demand accounts are kept empty; each demand account drifts on its own trend
       product_type = '活期存款'
           AND unif('bal_zero', acct_no) < CASE WHEN is_corp THEN 0.02 ELSE 0.05 END AS always_zero,
       0.04 + 0.10 * gauss('bal_trend', acct_no) AS trend,
       -- dormant demand accounts: no transactions from this date on, balance frozen
       CASE WHEN product_type = '活期存款' AND unif('dormant', acct_no) < 0.14
            THEN between_days(DATE '2022-01-01', data_date() - 30, unif('dormant_from', acct_no))
       END AS dormant_from
FROM numbered
"""

DIM_ACCOUNT = """
INSERT INTO dim_account
SELECT account_id, cust_id, product_id, org_id, open_date, close_date, status, card_no
FROM acct_x
"""

# One row per account and month it is open in (within history): the month's balance level.
ACCT_MONTH = """
CREATE TEMP TABLE acct_month AS
WITH am AS (
    SELECT a.*, m.mi, m.month_start, m.month_end,
           CASE WHEN a.dormant_from < m.month_start THEN month_idx(a.dormant_from) ELSE m.mi END
               AS level_mi
    FROM acct_x a JOIN month_x m
      ON m.month_end >= a.open_date AND (a.close_date IS NULL OR m.month_start < a.close_date)
)
SELECT acct_no, account_id, cust_id, org_id, product_id, cls, mi,
       date_diff('day', hist_start(), greatest(open_date, month_start))::INTEGER AS d_from,
       date_diff('day', hist_start(),
                 least(coalesce(close_date - 1, data_date()), month_end))::INTEGER AS d_to,
       CASE WHEN dormant_from < month_start THEN 0.0
            WHEN cls = 2 THEN 1.0 WHEN cls = 1 THEN 0.45 ELSE 0.0 END AS sensitivity,
       CASE WHEN always_zero THEN 0.0
            WHEN cls = 0 THEN base * (1 + 0.02 * mi / 12)
            WHEN cls = 1 AND unif('bal_zero_m', acct_no, level_mi) < 0.02 THEN 0.0
            ELSE base * exp(trend * level_mi / 12
                            + 0.25 * gauss('bal_y', acct_no, level_mi // 12)
                            + 0.15 * gauss('bal_q', acct_no, level_mi // 3)
                            + 0.10 * gauss('bal_m', acct_no, level_mi))
       END AS level
FROM am
"""

DAILY = """
INSERT INTO fact_deposit_balance_daily
SELECT c.biz_date, am.account_id, am.cust_id, am.org_id, am.product_id,
       CAST(am.level * (1 + c.uplift * am.sensitivity) AS DECIMAL(18,2))
FROM (SELECT *, unnest(range(d_from, d_to + 1)) AS day_idx
      FROM acct_month WHERE d_to >= d_from) am
JOIN cal_x c USING (day_idx)
"""

# 理财 holdings: some customers hold wealth products from some month on (a few redeem later).
AUM = """
INSERT INTO fact_customer_aum_monthly
WITH dep AS (
    SELECT biz_date AS month_end, cust_id, org_id, sum(balance) AS deposit_amt
    FROM fact_deposit_balance_daily
    WHERE biz_date = last_day(biz_date)
    GROUP BY biz_date, cust_id, org_id
),
holder AS (
    SELECT cust_id, cust_no,
           unif('wealth', cust_no) < CASE WHEN is_corp THEN 0.12
               WHEN segment IN ('定期客群', '代发工资客群') THEN 0.32 ELSE 0.20 END AS holds,
           CASE WHEN is_corp THEN lognorm(1500000, 1.1, gauss('wealth_base', cust_no))
                ELSE lognorm(120000, 1.0, gauss('wealth_base', cust_no)) END AS base,
           month_idx(open_date) + floor(unif('wealth_from', cust_no) * 30)::INTEGER AS from_mi,
           CASE WHEN unif('wealth_stop', cust_no) < 0.15
                THEN month_idx(open_date) + 6 + floor(unif('wealth_to', cust_no) * 36)::INTEGER
                ELSE 100000 END AS to_mi
    FROM cust_x
),
valued AS (
    SELECT d.month_end, d.cust_id, d.org_id, CAST(d.deposit_amt AS DECIMAL(18,2)) AS deposit_amt,
           CASE WHEN h.holds AND month_idx(d.month_end) BETWEEN h.from_mi AND h.to_mi
                THEN CAST(round(h.base * exp(0.05 * month_idx(d.month_end) / 12
                                + 0.12 * gauss('wealth_m', h.cust_no, month_idx(d.month_end))), -2)
                          AS DECIMAL(18,2))
                ELSE 0 END AS wealth_amt
    FROM dep d JOIN holder h USING (cust_id)
)
SELECT month_end, cust_id, org_id, deposit_amt, wealth_amt,
       CAST(deposit_amt + wealth_amt AS DECIMAL(18,2))
FROM valued
"""


def build(con: duckdb.DuckDBPyConnection) -> None:
    for sql in (ACCT_PLAN, ACCT_X, DIM_ACCOUNT, ACCT_MONTH, DAILY, AUM):
        con.execute(sql)
    con.execute("DROP TABLE acct_plan")
