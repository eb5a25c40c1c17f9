-- role: hq_executive
-- Step h: a role without detail sees aggregates only.

SELECT org_id, SUM(balance) AS bal FROM fact_deposit_balance_daily GROUP BY org_id;
SELECT "org_id", SUM("balance") AS "bal" FROM (SELECT "biz_date", "account_id", "cust_id", "org_id", "product_id", "balance" FROM "main"."fact_deposit_balance_daily") AS "fact_deposit_balance_daily" GROUP BY "org_id" LIMIT 5001;

SELECT segment, COUNT(DISTINCT cust_id) AS n FROM dim_customer GROUP BY segment;
SELECT "segment", COUNT(DISTINCT "cust_id") AS "n" FROM (SELECT "cust_id", "cust_type", "gender", "birth_date", "segment", "industry", "risk_level", "open_date", "open_org_id", "manager_emp_id" FROM "main"."dim_customer") AS "dim_customer" GROUP BY "segment" LIMIT 5001;

SELECT c.segment, SUM(f.balance) AS bal FROM fact_deposit_balance_daily AS f JOIN dim_customer AS c ON c.cust_id = f.cust_id GROUP BY c.segment;
SELECT "c"."segment", SUM("f"."balance") AS "bal" FROM (SELECT "biz_date", "account_id", "cust_id", "org_id", "product_id", "balance" FROM "main"."fact_deposit_balance_daily") AS "f" JOIN (SELECT "cust_id", "cust_type", "gender", "birth_date", "segment", "industry", "risk_level", "open_date", "open_org_id", "manager_emp_id" FROM "main"."dim_customer") AS "c" ON "c"."cust_id" = "f"."cust_id" GROUP BY "c"."segment" LIMIT 5001;

SELECT AVG(s) FROM (SELECT cust_id, SUM(balance) AS s FROM fact_deposit_balance_daily GROUP BY cust_id) AS t;
SELECT AVG("s") FROM (SELECT "cust_id", SUM("balance") AS "s" FROM (SELECT "biz_date", "account_id", "cust_id", "org_id", "product_id", "balance" FROM "main"."fact_deposit_balance_daily") AS "fact_deposit_balance_daily" GROUP BY "cust_id") AS "t" LIMIT 5001;

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
