-- role: hq_executive
-- Step h: a role without detail sees aggregates only.
-- The k-cell rule (k = 5): every aggregate the outermost query returns carries the number
-- of distinct customers behind it (__k<i>: COUNT(DISTINCT cust_id) over the rows that give
-- the aggregate's argument a value); the query runs as "__cells" and the outer SELECT nulls a
-- cell with __k < 5 and, when a column has one, its smallest cells until the suppressed ones
-- stand for 5 together; the last column lists the suppressed cells; LIMIT moves outside.

SELECT org_id, SUM(balance) AS bal FROM fact_deposit_balance_daily GROUP BY org_id;
SELECT "__cells"."org_id" AS "org_id", CASE WHEN "__cells"."__k1" < 5 OR (NOT "__cells"."__k1" IS NULL AND MIN("__cells"."__k1") OVER () < 5 AND COALESCE(SUM("__cells"."__k1") OVER (ORDER BY "__cells"."__k1" ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) < 5) THEN NULL ELSE "__cells"."bal" END AS "bal", COALESCE(CASE WHEN "__cells"."__k1" < 5 OR (NOT "__cells"."__k1" IS NULL AND MIN("__cells"."__k1") OVER () < 5 AND COALESCE(SUM("__cells"."__k1") OVER (ORDER BY "__cells"."__k1" ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) < 5) THEN '1' END || ',', '') AS "__asker_suppressed_lt_5" FROM (SELECT "fact_deposit_balance_daily"."org_id" AS "org_id", SUM("fact_deposit_balance_daily"."balance") AS "bal", COUNT(DISTINCT CASE WHEN NOT "fact_deposit_balance_daily"."balance" IS NULL THEN "fact_deposit_balance_daily"."cust_id" END) AS "__k1" FROM (SELECT "biz_date", "account_id", "cust_id", "org_id", "product_id", "balance" FROM "main"."fact_deposit_balance_daily") AS "fact_deposit_balance_daily" GROUP BY "fact_deposit_balance_daily"."org_id") AS "__cells" LIMIT 5001;

SELECT segment, COUNT(DISTINCT cust_id) AS n FROM dim_customer GROUP BY segment;
SELECT "__cells"."segment" AS "segment", CASE WHEN "__cells"."__k1" < 5 OR (NOT "__cells"."__k1" IS NULL AND MIN("__cells"."__k1") OVER () < 5 AND COALESCE(SUM("__cells"."__k1") OVER (ORDER BY "__cells"."__k1" ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) < 5) THEN NULL ELSE "__cells"."n" END AS "n", COALESCE(CASE WHEN "__cells"."__k1" < 5 OR (NOT "__cells"."__k1" IS NULL AND MIN("__cells"."__k1") OVER () < 5 AND COALESCE(SUM("__cells"."__k1") OVER (ORDER BY "__cells"."__k1" ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) < 5) THEN '1' END || ',', '') AS "__asker_suppressed_lt_5" FROM (SELECT "dim_customer"."segment" AS "segment", COUNT(DISTINCT "dim_customer"."cust_id") AS "n", COUNT(DISTINCT CASE WHEN NOT "dim_customer"."cust_id" IS NULL THEN "dim_customer"."cust_id" END) AS "__k1" FROM (SELECT "cust_id", "cust_type", "gender", "birth_date", "segment", "industry", "risk_level", "open_date", "open_org_id", "manager_emp_id" FROM "main"."dim_customer") AS "dim_customer" GROUP BY "dim_customer"."segment") AS "__cells" LIMIT 5001;

SELECT c.segment, SUM(f.balance) AS bal FROM fact_deposit_balance_daily AS f JOIN dim_customer AS c ON c.cust_id = f.cust_id GROUP BY c.segment;
SELECT "__cells"."segment" AS "segment", CASE WHEN "__cells"."__k1" < 5 OR (NOT "__cells"."__k1" IS NULL AND MIN("__cells"."__k1") OVER () < 5 AND COALESCE(SUM("__cells"."__k1") OVER (ORDER BY "__cells"."__k1" ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) < 5) THEN NULL ELSE "__cells"."bal" END AS "bal", COALESCE(CASE WHEN "__cells"."__k1" < 5 OR (NOT "__cells"."__k1" IS NULL AND MIN("__cells"."__k1") OVER () < 5 AND COALESCE(SUM("__cells"."__k1") OVER (ORDER BY "__cells"."__k1" ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) < 5) THEN '1' END || ',', '') AS "__asker_suppressed_lt_5" FROM (SELECT "c"."segment" AS "segment", SUM("f"."balance") AS "bal", COUNT(DISTINCT CASE WHEN NOT "f"."balance" IS NULL THEN "f"."cust_id" END) AS "__k1" FROM (SELECT "biz_date", "account_id", "cust_id", "org_id", "product_id", "balance" FROM "main"."fact_deposit_balance_daily") AS "f" JOIN (SELECT "cust_id", "cust_type", "gender", "birth_date", "segment", "industry", "risk_level", "open_date", "open_org_id", "manager_emp_id" FROM "main"."dim_customer") AS "c" ON "c"."cust_id" = "f"."cust_id" GROUP BY "c"."segment") AS "__cells" LIMIT 5001;

SELECT AVG(s) FROM (SELECT cust_id, SUM(balance) AS s FROM fact_deposit_balance_daily GROUP BY cust_id) AS t;
SELECT CASE WHEN "__cells"."__k0" < 5 OR (NOT "__cells"."__k0" IS NULL AND MIN("__cells"."__k0") OVER () < 5 AND COALESCE(SUM("__cells"."__k0") OVER (ORDER BY "__cells"."__k0" ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) < 5) THEN NULL ELSE "__cells"."_col_0" END AS "_col_0", COALESCE(CASE WHEN "__cells"."__k0" < 5 OR (NOT "__cells"."__k0" IS NULL AND MIN("__cells"."__k0") OVER () < 5 AND COALESCE(SUM("__cells"."__k0") OVER (ORDER BY "__cells"."__k0" ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) < 5) THEN '0' END || ',', '') AS "__asker_suppressed_lt_5" FROM (SELECT AVG("t"."s") AS "_col_0", COUNT(DISTINCT CASE WHEN NOT "t"."s" IS NULL THEN "t"."__e0" END) AS "__k0" FROM (SELECT "fact_deposit_balance_daily"."cust_id" AS "cust_id", SUM("fact_deposit_balance_daily"."balance") AS "s", "fact_deposit_balance_daily"."cust_id" AS "__e0" FROM (SELECT "biz_date", "account_id", "cust_id", "org_id", "product_id", "balance" FROM "main"."fact_deposit_balance_daily") AS "fact_deposit_balance_daily" GROUP BY "fact_deposit_balance_daily"."cust_id") AS "t") AS "__cells" LIMIT 5001;

SELECT cust_id, SUM(balance) FROM fact_deposit_balance_daily GROUP BY cust_id;
# expect_issue: DETAIL_NOT_ALLOWED

SELECT balance FROM fact_deposit_balance_daily;
# expect_issue: DETAIL_NOT_ALLOWED

SELECT SUM(balance) FROM fact_deposit_balance_daily WHERE cust_id = 'C0000001';
# expect_issue: DETAIL_NOT_ALLOWED

SELECT SUM(balance) FROM fact_deposit_balance_daily WHERE account_id IN ('A1', 'A2');
# expect_issue: DETAIL_NOT_ALLOWED

SELECT open_org_id, RANK() OVER (ORDER BY cust_id) FROM dim_customer GROUP BY open_org_id, cust_id;
# expect_issue: DETAIL_NOT_ALLOWED

SELECT MAX(loan_id) FROM dim_loan;
# expect_issue: DETAIL_NOT_ALLOWED

SELECT SUM(s) FROM (SELECT cust_id, SUM(balance) AS s FROM fact_deposit_balance_daily GROUP BY cust_id ORDER BY s DESC LIMIT 1) AS t;
# expect_issue: DETAIL_NOT_ALLOWED

SELECT SUM(balance) FROM fact_deposit_balance_daily WHERE cust_id = (SELECT MIN(cust_id) FROM dim_customer);
# expect_issue: DETAIL_NOT_ALLOWED
