"""dim_customer: 个人 and 对公 customers with realistic (synthetic) PII.

Each customer belongs to one 支行 by a fixed quota (the 支行's weight), and within it to one
客户经理 by book weight (the senior manager holds the largest book). cust_id follows open_date.
Temp table ``cust_x`` keeps the customers with their 分行 number and city for later steps.
"""

from __future__ import annotations

import duckdb

from asker.warehouse.demo_bank import reference as ref
from asker.warehouse.demo_bank.sqlkit import weighted

# Customers, numbered by open date, spread over the 支行 by quota (a seeded permutation cut at
# cumulative weights), then over each 支行's 客户经理 by book weight.
CUST_ASSIGN = """
CREATE TEMP TABLE cust_assign AS
WITH raw AS (
    SELECT i::INTEGER AS i,
           unif('cust_type', i) < corp_share() AS is_corp,
           CASE WHEN unif('cust_open', i) < 0.16
                THEN between_days(hist_start(), data_date(), unif('cust_open_new', i))
                ELSE between_days(DATE '2010-01-01', hist_start() - 1,
                                  pow(unif('cust_open_old', i), 0.75))
           END AS open_date
    FROM range(n_customers()) t(i)
),
numbered AS (
    SELECT *, row_number() OVER (ORDER BY open_date, i) AS cust_no,
           row_number() OVER (ORDER BY unif('cust_perm', i), i) - 1 AS perm
    FROM raw
),
sub_w AS (
    SELECT org_id, bno, round(cust_weight * 1000)::BIGINT AS w FROM org_x WHERE org_level = '支行'
),
sub_q AS (
    SELECT org_id, bno,
           (n_customers() * (sum(w) OVER (ORDER BY org_id) - w) // sum(w) OVER ()) AS lo
    FROM sub_w
)
SELECT n.*, q.org_id AS open_org_id, q.bno
FROM numbered n ASOF JOIN sub_q q ON n.perm >= q.lo
"""

CUST_MANAGER = """
CREATE TEMP TABLE cust_mgr AS
WITH ranked AS (
    SELECT i, open_org_id,
           row_number() OVER (PARTITION BY open_org_id ORDER BY unif('cust_mgr', i), i) - 1 AS r,
           count(*) OVER (PARTITION BY open_org_id) AS n_in_sub
    FROM cust_assign
),
books AS (
    SELECT e.emp_id, e.org_id, round(e.book_weight * 1000)::BIGINT AS w, s.n_in_sub
    FROM emp_x e JOIN (SELECT DISTINCT open_org_id, n_in_sub FROM ranked) s
      ON s.open_org_id = e.org_id
    WHERE e.position = '客户经理'
),
book_q AS (
    SELECT emp_id, org_id,
           n_in_sub * (sum(w) OVER (PARTITION BY org_id ORDER BY emp_id) - w)
               // sum(w) OVER (PARTITION BY org_id) AS lo
    FROM books
)
SELECT r.i, b.emp_id AS manager_emp_id
FROM ranked r ASOF JOIN book_q b ON r.open_org_id = b.org_id AND r.r >= b.lo
"""

_SEGMENT = weighted(ref.SEGMENTS, "unif('segment', i)")
_INDUSTRY = weighted([(n, w) for n, w, _ in ref.INDUSTRIES], "unif('industry', i)")
_RISK = weighted(ref.RISK_LEVELS, "unif('risk', i)")
_MOBILE = weighted(ref.MOBILE_PREFIXES, "unif('mobile', i)")
_USCC_CHARS = "'0123456789ABCDEFGHJKLMNPQRTUWXY'"

CUST_X = f"""
CREATE TEMP TABLE cust_x AS
WITH base AS (
    SELECT a.*, m.manager_emp_id, cities()[a.bno] AS city,
           unif('cust_sex', i) < 0.5 AS male,
           CASE WHEN unif('id_city', i) < 0.7 THEN a.bno
                ELSE 1 + floor(unif('id_city2', i) * 10)::INTEGER END AS id_bno,
           (a.open_date - to_years((18 + floor(47 * pow(unif('age', i), 1.3)))::INTEGER))::DATE
               - floor(unif('birth_day', i) * 365)::INTEGER AS birth,
           CASE WHEN a.is_corp THEN NULL ELSE {_SEGMENT} END AS segment,
           CASE WHEN a.is_corp THEN {_INDUSTRY} END AS industry
    FROM cust_assign a JOIN cust_mgr m USING (i)
),
detail AS (
    SELECT *,
           area_codes()[id_bno][1 + floor(unif('area', i) * 8)::BIGINT] AS area,
           id17(area_codes()[id_bno][1 + floor(unif('area', i) * 8)::BIGINT], birth,
                floor(unif('id_seq', i) * 100)::INTEGER, male, unif('id_sex', i)) AS id_17,
           '91' || area_codes()[bno][1 + floor(unif('corp_area', i) * 8)::BIGINT]
               || array_to_string(list_transform(range(9),
                      lambda j: pick({_USCC_CHARS}, unif('uscc', i, j))), '') AS uscc_17
    FROM base
)
SELECT cust_no, fmt_id('C', cust_no, 7) AS cust_id, i, is_corp, bno, city, male,
       CASE WHEN is_corp THEN company_name(city, industry_words()[list_position(industries(),
                industry)], 'corp_name', i)
            ELSE person_name('cust_name', i, male) END AS cust_name,
       CASE WHEN is_corp THEN '对公' ELSE '个人' END AS cust_type,
       CASE WHEN is_corp THEN uscc_17 || pick({_USCC_CHARS}, unif('uscc_ck', i))
            ELSE id_17 || id_check(id_17) END AS id_no,
       {_MOBILE} || rand_digits('mobile', i, 9) AS mobile,
       CASE WHEN is_corp THEN NULL WHEN male THEN '男' ELSE '女' END AS gender,
       CASE WHEN is_corp THEN NULL ELSE birth END AS birth_date,
       city || '市' || pick(districts()[bno], unif('addr_district', i))
           || pick(streets(), unif('addr_street', i))
           || (1 + floor(unif('addr_no', i) * 899))::INTEGER || '号'
           || CASE WHEN is_corp
                   THEN (1 + floor(unif('addr_floor', i) * 30))::INTEGER || '层'
                   ELSE (1 + floor(unif('addr_bld', i) * 28))::INTEGER || '栋'
                        || (1 + floor(unif('addr_unit', i) * 4))::INTEGER || '单元'
                        || (1 + floor(unif('addr_floor', i) * 30))::INTEGER
                        || lpad((1 + floor(unif('addr_room', i) * 4))::INTEGER::VARCHAR, 2, '0')
                        || '室' END AS address,
       segment, industry, {_RISK} AS risk_level, open_date, open_org_id, manager_emp_id
FROM detail
"""

DIM_CUSTOMER = """
INSERT INTO dim_customer
SELECT cust_id, cust_name, cust_type, id_no, mobile, gender, birth_date, address, segment,
       industry, risk_level, open_date, open_org_id, manager_emp_id
FROM cust_x
"""


def build(con: duckdb.DuckDBPyConnection) -> None:
    for sql in (CUST_ASSIGN, CUST_MANAGER, CUST_X, DIM_CUSTOMER):
        con.execute(sql)
    con.execute("DROP TABLE cust_assign; DROP TABLE cust_mgr")
