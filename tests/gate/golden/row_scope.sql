-- role: branch_manager
-- Step f: every physical table reference is replaced by the gate's filtered subquery.

SELECT org_id, org_name FROM dim_org;
SELECT "org_id", "org_name" FROM (SELECT "org_id", "org_name", "org_level", "parent_org_id", "branch_id", "city", "open_date" FROM "main"."dim_org" WHERE "dim_org"."org_id" IN ('B05', 'B05S01', 'B05S02', 'HQ')) AS "dim_org" LIMIT 5001;

SELECT org_id, SUM(balance) AS bal FROM fact_deposit_balance_daily GROUP BY org_id;
SELECT "org_id", SUM("balance") AS "bal" FROM (SELECT "biz_date", "account_id", "cust_id", "org_id", "product_id", "balance" FROM "main"."fact_deposit_balance_daily" WHERE "fact_deposit_balance_daily"."org_id" IN ('B05', 'B05S01', 'B05S02')) AS "fact_deposit_balance_daily" GROUP BY "org_id" LIMIT 5001;

WITH dim_org AS (SELECT * FROM dim_org WHERE org_level = '支行') SELECT COUNT(*) FROM dim_org;
WITH "dim_org" AS (SELECT * FROM (SELECT "org_id", "org_name", "org_level", "parent_org_id", "branch_id", "city", "open_date" FROM "main"."dim_org" WHERE "dim_org"."org_id" IN ('B05', 'B05S01', 'B05S02', 'HQ')) AS "dim_org" WHERE "org_level" = '支行') SELECT COUNT(*) FROM "dim_org" LIMIT 5001;

WITH a AS (WITH b AS (SELECT org_id FROM dim_org) SELECT org_id FROM b) SELECT org_id FROM a;
WITH "a" AS (WITH "b" AS (SELECT "org_id" FROM (SELECT "org_id", "org_name", "org_level", "parent_org_id", "branch_id", "city", "open_date" FROM "main"."dim_org" WHERE "dim_org"."org_id" IN ('B05', 'B05S01', 'B05S02', 'HQ')) AS "dim_org") SELECT "org_id" FROM "b") SELECT "org_id" FROM "a" LIMIT 5001;

SELECT org_id FROM dim_org UNION ALL SELECT org_id FROM main.dim_org;
SELECT "org_id" FROM (SELECT "org_id", "org_name", "org_level", "parent_org_id", "branch_id", "city", "open_date" FROM "main"."dim_org" WHERE "dim_org"."org_id" IN ('B05', 'B05S01', 'B05S02', 'HQ')) AS "dim_org" UNION ALL SELECT "org_id" FROM (SELECT "org_id", "org_name", "org_level", "parent_org_id", "branch_id", "city", "open_date" FROM "main"."dim_org" WHERE "dim_org"."org_id" IN ('B05', 'B05S01', 'B05S02', 'HQ')) AS "dim_org" LIMIT 5001;

SELECT o.org_id FROM dim_org AS o WHERE EXISTS (SELECT 1 FROM dim_employee AS e WHERE e.org_id = o.org_id);
SELECT "o"."org_id" FROM (SELECT "org_id", "org_name", "org_level", "parent_org_id", "branch_id", "city", "open_date" FROM "main"."dim_org" WHERE "dim_org"."org_id" IN ('B05', 'B05S01', 'B05S02', 'HQ')) AS "o" WHERE EXISTS(SELECT 1 FROM (SELECT "emp_id", "emp_name", "org_id", "position", "hire_date" FROM "main"."dim_employee" WHERE "dim_employee"."org_id" IN ('B05', 'B05S01', 'B05S02')) AS "e" WHERE "e"."org_id" = "o"."org_id") LIMIT 5001;

SELECT o.org_id, (SELECT COUNT(*) FROM dim_employee AS e WHERE e.org_id = o.org_id) AS n FROM dim_org AS o;
SELECT "o"."org_id", (SELECT COUNT(*) FROM (SELECT "emp_id", "emp_name", "org_id", "position", "hire_date" FROM "main"."dim_employee" WHERE "dim_employee"."org_id" IN ('B05', 'B05S01', 'B05S02')) AS "e" WHERE "e"."org_id" = "o"."org_id") AS "n" FROM (SELECT "org_id", "org_name", "org_level", "parent_org_id", "branch_id", "city", "open_date" FROM "main"."dim_org" WHERE "dim_org"."org_id" IN ('B05', 'B05S01', 'B05S02', 'HQ')) AS "o" LIMIT 5001;

SELECT o.org_id, l.n FROM dim_org AS o, LATERAL (SELECT COUNT(*) AS n FROM dim_employee AS e WHERE e.org_id = o.org_id) AS l;
SELECT "o"."org_id", "l"."n" FROM (SELECT "org_id", "org_name", "org_level", "parent_org_id", "branch_id", "city", "open_date" FROM "main"."dim_org" WHERE "dim_org"."org_id" IN ('B05', 'B05S01', 'B05S02', 'HQ')) AS "o", LATERAL (SELECT COUNT(*) AS "n" FROM (SELECT "emp_id", "emp_name", "org_id", "position", "hire_date" FROM "main"."dim_employee" WHERE "dim_employee"."org_id" IN ('B05', 'B05S01', 'B05S02')) AS "e" WHERE "e"."org_id" = "o"."org_id") AS "l" LIMIT 5001;

SELECT * FROM "DIM_ORG";
SELECT * FROM (SELECT "org_id", "org_name", "org_level", "parent_org_id", "branch_id", "city", "open_date" FROM "main"."dim_org" WHERE "dim_org"."org_id" IN ('B05', 'B05S01', 'B05S02', 'HQ')) AS "dim_org" LIMIT 5001;

FROM MAIN.Dim_Org SELECT org_id;
SELECT "org_id" FROM (SELECT "org_id", "org_name", "org_level", "parent_org_id", "branch_id", "city", "open_date" FROM "main"."dim_org" WHERE "dim_org"."org_id" IN ('B05', 'B05S01', 'B05S02', 'HQ')) AS "dim_org" LIMIT 5001;

SELECT p.category, COUNT(*) AS n FROM dim_loan AS l JOIN dim_product AS p ON p.product_id = l.product_id GROUP BY p.category;
SELECT "p"."category", COUNT(*) AS "n" FROM (SELECT "loan_id", "cust_id", "product_id", "org_id", "manager_emp_id", "contract_amt", "start_date", "maturity_date", "interest_rate", "guarantee_type" FROM "main"."dim_loan" WHERE "dim_loan"."org_id" IN ('B05', 'B05S01', 'B05S02')) AS "l" JOIN (SELECT "product_id", "product_name", "product_type", "category", "term_months" FROM "main"."dim_product") AS "p" ON "p"."product_id" = "l"."product_id" GROUP BY "p"."category" LIMIT 5001;

SELECT org_id, RANK() OVER (ORDER BY org_id) AS r FROM dim_org WHERE org_id IN (SELECT org_id FROM fact_budget_target);
SELECT "org_id", RANK() OVER (ORDER BY "org_id") AS "r" FROM (SELECT "org_id", "org_name", "org_level", "parent_org_id", "branch_id", "city", "open_date" FROM "main"."dim_org" WHERE "dim_org"."org_id" IN ('B05', 'B05S01', 'B05S02', 'HQ')) AS "dim_org" WHERE "org_id" IN (SELECT "org_id" FROM (SELECT "org_id", "year", "month", "metric_code", "target_value" FROM "main"."fact_budget_target" WHERE "fact_budget_target"."org_id" IN ('B05', 'B05S01', 'B05S02')) AS "fact_budget_target") LIMIT 5001;

-- role: subbranch_manager
SELECT org_id FROM dim_org;
SELECT "org_id" FROM (SELECT "org_id", "org_name", "org_level", "parent_org_id", "branch_id", "city", "open_date" FROM "main"."dim_org" WHERE "dim_org"."org_id" IN ('B05', 'B05S01', 'HQ')) AS "dim_org" LIMIT 5001;

-- role: client_manager
SELECT cust_id, cust_name, mobile FROM dim_customer;
SELECT "cust_id", "cust_name", "mobile" FROM (SELECT "cust_id", "cust_name", "cust_type", CASE WHEN "id_no" IS NULL THEN NULL WHEN LENGTH("id_no") <= 10 THEN REPEAT('*', LENGTH("id_no")) ELSE LEFT("id_no", 6) || '********' || RIGHT("id_no", 4) END AS "id_no", CASE WHEN "mobile" IS NULL THEN NULL WHEN LENGTH("mobile") <= 7 THEN REPEAT('*', LENGTH("mobile")) ELSE LEFT("mobile", 3) || '****' || RIGHT("mobile", 4) END AS "mobile", "gender", CAST(DATE_TRUNC('YEAR', "birth_date") AS DATE) AS "birth_date", CASE WHEN "address" IS NULL THEN NULL WHEN LENGTH("address") <= 6 THEN REPEAT('*', LENGTH("address")) ELSE LEFT("address", 6) || '****' END AS "address", "segment", "industry", "risk_level", "open_date", "open_org_id", "manager_emp_id" FROM "main"."dim_customer" WHERE "dim_customer"."manager_emp_id" = 'E0501') AS "dim_customer" LIMIT 1001;

-- role: client_manager
SELECT COUNT(*) AS n FROM fact_transaction;
SELECT COUNT(*) AS "n" FROM (SELECT "txn_id", "txn_time", "biz_date", "account_id", "cust_id", "org_id", "channel", "direction", "amount", "txn_type", CASE WHEN "counterparty_name" IS NULL THEN NULL WHEN LENGTH("counterparty_name") <= 1 THEN REPEAT('*', LENGTH("counterparty_name")) ELSE LEFT("counterparty_name", 1) || '**' END AS "counterparty_name" FROM "main"."fact_transaction" WHERE "fact_transaction"."cust_id" IN (SELECT "dim_customer"."cust_id" FROM "main"."dim_customer" WHERE "dim_customer"."manager_emp_id" = 'E0501')) AS "fact_transaction" LIMIT 1001;

-- role: client_manager
SELECT org_id, emp_id FROM dim_employee;
SELECT "org_id", "emp_id" FROM (SELECT "emp_id", "emp_name", "org_id", "position", "hire_date" FROM "main"."dim_employee" WHERE "dim_employee"."org_id" IN ('B05S01')) AS "dim_employee" LIMIT 1001;

-- role: client_manager
SELECT product_id FROM dim_product;
SELECT "product_id" FROM (SELECT "product_id", "product_name", "product_type", "category", "term_months" FROM "main"."dim_product") AS "dim_product" LIMIT 1001;

-- role: hq_analyst
SELECT org_id FROM dim_org;
SELECT "org_id" FROM (SELECT "org_id", "org_name", "org_level", "parent_org_id", "branch_id", "city", "open_date" FROM "main"."dim_org") AS "dim_org" LIMIT 5001;
