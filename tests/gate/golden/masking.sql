-- role: hq_analyst
-- Step g: masked PII only as a plain output column; masks sit in the gate's subqueries.

SELECT cust_id, cust_name, mobile FROM dim_customer;
SELECT "cust_id", "cust_name", "mobile" FROM (SELECT "cust_id", CASE WHEN "cust_name" IS NULL THEN NULL WHEN LENGTH("cust_name") <= 1 THEN REPEAT('*', LENGTH("cust_name")) ELSE LEFT("cust_name", 1) || '**' END AS "cust_name", "cust_type", CASE WHEN "id_no" IS NULL THEN NULL WHEN LENGTH("id_no") <= 10 THEN REPEAT('*', LENGTH("id_no")) ELSE LEFT("id_no", 6) || '********' || RIGHT("id_no", 4) END AS "id_no", CASE WHEN "mobile" IS NULL THEN NULL WHEN LENGTH("mobile") <= 7 THEN REPEAT('*', LENGTH("mobile")) ELSE LEFT("mobile", 3) || '****' || RIGHT("mobile", 4) END AS "mobile", "gender", CAST(DATE_TRUNC('YEAR', "birth_date") AS DATE) AS "birth_date", CASE WHEN "address" IS NULL THEN NULL WHEN LENGTH("address") <= 6 THEN REPEAT('*', LENGTH("address")) ELSE LEFT("address", 6) || '****' END AS "address", "segment", "industry", "risk_level", "open_date", "open_org_id", "manager_emp_id" FROM "main"."dim_customer") AS "dim_customer" LIMIT 5001;

SELECT a.card_no AS 卡号 FROM dim_account AS a;
SELECT "a"."card_no" AS "卡号" FROM (SELECT "account_id", "cust_id", "product_id", "org_id", "open_date", "close_date", "status", CASE WHEN "card_no" IS NULL THEN NULL WHEN LENGTH("card_no") <= 10 THEN REPEAT('*', LENGTH("card_no")) ELSE LEFT("card_no", 6) || '******' || RIGHT("card_no", 4) END AS "card_no" FROM "main"."dim_account") AS "a" LIMIT 5001;

WITH m AS (SELECT cust_id, mobile FROM dim_customer) SELECT mobile FROM m;
WITH "m" AS (SELECT "cust_id", "mobile" FROM (SELECT "cust_id", CASE WHEN "cust_name" IS NULL THEN NULL WHEN LENGTH("cust_name") <= 1 THEN REPEAT('*', LENGTH("cust_name")) ELSE LEFT("cust_name", 1) || '**' END AS "cust_name", "cust_type", CASE WHEN "id_no" IS NULL THEN NULL WHEN LENGTH("id_no") <= 10 THEN REPEAT('*', LENGTH("id_no")) ELSE LEFT("id_no", 6) || '********' || RIGHT("id_no", 4) END AS "id_no", CASE WHEN "mobile" IS NULL THEN NULL WHEN LENGTH("mobile") <= 7 THEN REPEAT('*', LENGTH("mobile")) ELSE LEFT("mobile", 3) || '****' || RIGHT("mobile", 4) END AS "mobile", "gender", CAST(DATE_TRUNC('YEAR', "birth_date") AS DATE) AS "birth_date", CASE WHEN "address" IS NULL THEN NULL WHEN LENGTH("address") <= 6 THEN REPEAT('*', LENGTH("address")) ELSE LEFT("address", 6) || '****' END AS "address", "segment", "industry", "risk_level", "open_date", "open_org_id", "manager_emp_id" FROM "main"."dim_customer") AS "dim_customer") SELECT "mobile" FROM "m" LIMIT 5001;

SELECT counterparty_name FROM fact_transaction UNION ALL SELECT cust_name FROM dim_customer;
SELECT "counterparty_name" FROM (SELECT "txn_id", "txn_time", "biz_date", "account_id", "cust_id", "org_id", "channel", "direction", "amount", "txn_type", CASE WHEN "counterparty_name" IS NULL THEN NULL WHEN LENGTH("counterparty_name") <= 1 THEN REPEAT('*', LENGTH("counterparty_name")) ELSE LEFT("counterparty_name", 1) || '**' END AS "counterparty_name" FROM "main"."fact_transaction") AS "fact_transaction" UNION ALL SELECT "cust_name" FROM (SELECT "cust_id", CASE WHEN "cust_name" IS NULL THEN NULL WHEN LENGTH("cust_name") <= 1 THEN REPEAT('*', LENGTH("cust_name")) ELSE LEFT("cust_name", 1) || '**' END AS "cust_name", "cust_type", CASE WHEN "id_no" IS NULL THEN NULL WHEN LENGTH("id_no") <= 10 THEN REPEAT('*', LENGTH("id_no")) ELSE LEFT("id_no", 6) || '********' || RIGHT("id_no", 4) END AS "id_no", CASE WHEN "mobile" IS NULL THEN NULL WHEN LENGTH("mobile") <= 7 THEN REPEAT('*', LENGTH("mobile")) ELSE LEFT("mobile", 3) || '****' || RIGHT("mobile", 4) END AS "mobile", "gender", CAST(DATE_TRUNC('YEAR', "birth_date") AS DATE) AS "birth_date", CASE WHEN "address" IS NULL THEN NULL WHEN LENGTH("address") <= 6 THEN REPEAT('*', LENGTH("address")) ELSE LEFT("address", 6) || '****' END AS "address", "segment", "industry", "risk_level", "open_date", "open_org_id", "manager_emp_id" FROM "main"."dim_customer") AS "dim_customer" LIMIT 5001;

SELECT * FROM dim_customer WHERE mobile LIKE '138%';
# expect_issue: MASKED_COLUMN_MISUSE

SELECT LENGTH(mobile) FROM dim_customer;
# expect_issue: MASKED_COLUMN_MISUSE

SELECT SUBSTRING(id_no, 7, 8) FROM dim_customer;
# expect_issue: MASKED_COLUMN_MISUSE

SELECT mobile, COUNT(*) FROM dim_customer GROUP BY mobile;
# expect_issue: MASKED_COLUMN_MISUSE

SELECT DISTINCT address FROM dim_customer;
# expect_issue: MASKED_COLUMN_MISUSE

SELECT cust_id FROM dim_customer ORDER BY cust_name;
# expect_issue: MASKED_COLUMN_MISUSE

SELECT cust_name AS n FROM dim_customer ORDER BY n;
# expect_issue: MASKED_COLUMN_MISUSE

SELECT COUNT(DISTINCT mobile) FROM dim_customer;
# expect_issue: MASKED_COLUMN_MISUSE

SELECT cust_id, ROW_NUMBER() OVER (PARTITION BY address) FROM dim_customer;
# expect_issue: MASKED_COLUMN_MISUSE

SELECT a.cust_id FROM dim_customer AS a JOIN dim_customer AS b ON a.id_no = b.id_no;
# expect_issue: MASKED_COLUMN_MISUSE

SELECT x FROM (SELECT mobile AS x FROM dim_customer) AS s WHERE x > '139';
# expect_issue: MASKED_COLUMN_MISUSE

SELECT mobile FROM dim_customer UNION SELECT mobile FROM dim_customer;
# expect_issue: MASKED_COLUMN_MISUSE

SELECT cust_name AS n, LENGTH(n) FROM dim_customer;
# expect_issue: MASKED_COLUMN_MISUSE

-- role: client_manager
SELECT cust_name FROM dim_customer WHERE cust_name LIKE '张%';
SELECT "cust_name" FROM (SELECT "cust_id", "cust_name", "cust_type", CASE WHEN "id_no" IS NULL THEN NULL WHEN LENGTH("id_no") <= 10 THEN REPEAT('*', LENGTH("id_no")) ELSE LEFT("id_no", 6) || '********' || RIGHT("id_no", 4) END AS "id_no", CASE WHEN "mobile" IS NULL THEN NULL WHEN LENGTH("mobile") <= 7 THEN REPEAT('*', LENGTH("mobile")) ELSE LEFT("mobile", 3) || '****' || RIGHT("mobile", 4) END AS "mobile", "gender", CAST(DATE_TRUNC('YEAR', "birth_date") AS DATE) AS "birth_date", CASE WHEN "address" IS NULL THEN NULL WHEN LENGTH("address") <= 6 THEN REPEAT('*', LENGTH("address")) ELSE LEFT("address", 6) || '****' END AS "address", "segment", "industry", "risk_level", "open_date", "open_org_id", "manager_emp_id" FROM "main"."dim_customer" WHERE "dim_customer"."manager_emp_id" = 'E0501') AS "dim_customer" WHERE "cust_name" LIKE '张%' LIMIT 1001;

-- role: client_manager
SELECT counterparty_name FROM fact_transaction WHERE counterparty_name LIKE '张%';
# expect_issue: MASKED_COLUMN_MISUSE
