"""fact_budget_target: monthly deposit and loan balance targets for every 分行 and 支行.

Up to the data date a target is the org's actual month-end balance (a 分行's is the sum of its
支行) times a seeded factor in [0.88, 1.12], so attainment stays within about +-12%. Later months
extrapolate the last actual with monthly growth. Targets of 10 million yuan or more are round
to 10,000 yuan (万元), as budgets are.
"""

from __future__ import annotations

import duckdb

BUDGETS = """
INSERT INTO fact_budget_target
WITH months AS (
    SELECT y::INTEGER AS y, m::INTEGER AS m, last_day(make_date(y, m, 1)) AS month_end
    FROM range(2024, year(cal_end()) + 1) ty(y), range(1, 13) tm(m)
),
sub_actual AS (
    SELECT biz_date AS month_end, org_id, 'deposit_balance' AS metric_code, sum(balance) AS actual
    FROM fact_deposit_balance_daily
    WHERE biz_date = last_day(biz_date)
    GROUP BY biz_date, org_id
    UNION ALL
    SELECT month_end, org_id, 'loan_balance', sum(balance)
    FROM fact_loan_balance_monthly
    GROUP BY month_end, org_id
),
actual AS (
    SELECT a.month_end, o.org_id, a.metric_code, sum(a.actual) AS actual
    FROM sub_actual a JOIN org_x s ON s.org_id = a.org_id
    JOIN org_x o ON o.org_id IN (s.org_id, s.branch_id)
    GROUP BY a.month_end, o.org_id, a.metric_code
),
grid AS (
    SELECT o.org_id, mo.y, mo.m, mo.month_end, mc.metric_code,
           date_diff('month', data_date(), mo.month_end) AS months_after
    FROM org_x o, months mo, (VALUES ('deposit_balance'), ('loan_balance')) mc(metric_code)
    WHERE o.org_level IN ('分行', '支行')
),
valued AS (
    SELECT g.*,
           CASE WHEN g.months_after <= 0
                THEN coalesce(a.actual, 0)
                     * (0.88 + 0.24 * unif('budget', g.org_id, g.y * 100 + g.m, g.metric_code))
                ELSE coalesce(l.actual, 0)
                     * pow(CASE g.metric_code WHEN 'deposit_balance' THEN 1.008 ELSE 1.006 END,
                           g.months_after)
                     * (0.96 + 0.08 * unif('budget', g.org_id, g.y * 100 + g.m, g.metric_code))
           END AS target
    FROM grid g
    LEFT JOIN actual a ON a.org_id = g.org_id AND a.metric_code = g.metric_code
                      AND a.month_end = g.month_end
    LEFT JOIN actual l ON l.org_id = g.org_id AND l.metric_code = g.metric_code
                      AND l.month_end = data_date()
)
SELECT org_id, y, m, metric_code,
       CAST(CASE WHEN target >= 1e7 THEN round(target, -4) ELSE round(target, 2) END
            AS DECIMAL(18,2))
FROM valued
"""


def build(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(BUDGETS)
