"""dim_org (总行, 10 分行, their 支行) and dim_employee.

Temp tables kept for later steps: ``org_x`` (org rows plus branch number and customer weight) and
``emp_x`` (employees plus, for a 客户经理, the weight of his or her share of the 支行's customers).
"""

from __future__ import annotations

import duckdb

# A 支行's share of the customers: its 分行's size, the first 支行 (the flagship) the largest.
ORG_X = """
CREATE TEMP TABLE org_x AS
WITH city_w AS (
    SELECT b::INTEGER AS bno, w FROM (SELECT b, city_weights()[b] AS w FROM range(1, 11) t(b))
),
branch AS (
    SELECT bno, fmt_id('B', bno, 2) AS org_id, cities()[bno] AS city, w,
           DATE '1998-03-01' + (floor(unif('org_open', bno) * 3000) + 200 * (bno - 1))::INTEGER
               AS open_date
    FROM city_w
),
sub AS (
    SELECT b.bno, s::INTEGER AS sno, b.org_id || fmt_id('S', s, 2) AS org_id, b.org_id AS branch_id,
           b.city, b.w * CASE WHEN s = 1 THEN 1.6 ELSE 1.0 - 0.04 * (s - 2) END AS cust_weight,
           least(b.open_date + (30 + floor(unif('sub_open', b.bno, s) * 2500))::INTEGER,
                 DATE '2009-12-31') AS open_date
    FROM branch b, range(1, 9) t(s)
    WHERE s <= sub_counts()[b.bno]
)
SELECT 'HQ' AS org_id, bank_name() || '总行' AS org_name, '总行' AS org_level,
       NULL::VARCHAR AS parent_org_id, NULL::VARCHAR AS branch_id, '上海' AS city,
       DATE '1996-12-28' AS open_date, 0 AS bno, 0 AS sno, 0.0 AS cust_weight
UNION ALL
SELECT org_id, city || '分行', '分行', 'HQ', org_id, city, open_date, bno, 0, 0.0 FROM branch
UNION ALL
SELECT org_id, city || sub_sites()[bno][sno] || '支行', '支行', branch_id, branch_id, city,
       open_date, bno, sno, cust_weight
FROM sub
"""

DIM_ORG = """
INSERT INTO dim_org
SELECT org_id, org_name, org_level, parent_org_id, branch_id, city, open_date FROM org_x
"""

# Staff per org unit: analysts at 总行, one 行长 per 分行/支行, 客户经理 and 理财经理 in each 支行.
# emp_id follows 总行 first, then org_id, then role, so ids sort naturally within a 支行.
EMP_X = """
CREATE TEMP TABLE emp_x AS
WITH roles AS (
    SELECT org_id, 0 AS role_order, '分析师' AS position, k::INTEGER AS k, open_date
    FROM org_x, range(n_analysts()) t(k) WHERE org_level = '总行'
    UNION ALL
    SELECT org_id, 1, CASE org_level WHEN '分行' THEN '分行行长' ELSE '支行行长' END, 0, open_date
    FROM org_x WHERE org_level <> '总行'
    UNION ALL
    SELECT org_id, 2, '客户经理', k::INTEGER, open_date
    FROM org_x, range(n_managers()) t(k) WHERE org_level = '支行'
    UNION ALL
    SELECT org_id, 3, '理财经理', k::INTEGER, open_date
    FROM org_x, range(n_wealth_managers()) t(k) WHERE org_level = '支行'
),
numbered AS (
    SELECT *, row_number() OVER (ORDER BY org_id = 'HQ' DESC, org_id, role_order, k) AS emp_no
    FROM roles
)
SELECT fmt_id('E', emp_no, 5) AS emp_id, emp_no, org_id, position,
       -- the senior 客户经理 of 成都高新支行 is the demo persona 刘洋 (user liu.yang)
       CASE WHEN org_id = 'B05S01' AND position = '客户经理' AND k = 0 THEN '刘洋'
            ELSE person_name('emp', emp_no, unif('emp_sex', emp_no) < 0.55) END AS emp_name,
       between_days(greatest(open_date, DATE '2005-01-01'), data_date() - 60,
                    unif('hire', emp_no)) AS hire_date,
       -- the first 客户经理 of a 支行 is its senior one and manages the largest book
       CASE WHEN position <> '客户经理' THEN 0.0
            WHEN k = 0 THEN 2.0 ELSE greatest(0.3, 1.0 - 0.05 * (k - 1)) END AS book_weight
FROM numbered
"""

DIM_EMPLOYEE = """
INSERT INTO dim_employee SELECT emp_id, emp_name, org_id, position, hire_date FROM emp_x
"""


def build(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(ORG_X)
    con.execute(DIM_ORG)
    con.execute(EMP_X)
    con.execute(DIM_EMPLOYEE)
