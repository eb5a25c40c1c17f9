-- role: client_manager
-- Step i: LIMIT row_cap + 1 (client managers: 1000).

SELECT product_id FROM dim_product;
SELECT "product_id" FROM (SELECT "product_id", "product_name", "product_type", "category", "term_months" FROM "main"."dim_product") AS "dim_product" LIMIT 1001;

SELECT product_id FROM dim_product LIMIT 10;
SELECT "product_id" FROM (SELECT "product_id", "product_name", "product_type", "category", "term_months" FROM "main"."dim_product") AS "dim_product" LIMIT 10;

SELECT product_id FROM dim_product LIMIT 100000;
SELECT "product_id" FROM (SELECT "product_id", "product_name", "product_type", "category", "term_months" FROM "main"."dim_product") AS "dim_product" LIMIT 1001;

SELECT product_id FROM dim_product UNION ALL SELECT product_id FROM dim_product LIMIT 5000;
SELECT "product_id" FROM (SELECT "product_id", "product_name", "product_type", "category", "term_months" FROM "main"."dim_product") AS "dim_product" UNION ALL SELECT "product_id" FROM (SELECT "product_id", "product_name", "product_type", "category", "term_months" FROM "main"."dim_product") AS "dim_product" LIMIT 1001;

SELECT product_id FROM dim_product LIMIT 10 OFFSET 5;
SELECT "product_id" FROM (SELECT "product_id", "product_name", "product_type", "category", "term_months" FROM "main"."dim_product") AS "dim_product" LIMIT 10 OFFSET 5;

SELECT product_id FROM dim_product LIMIT (SELECT 5);
# expect_issue: UNSUPPORTED_SQL

SELECT product_id FROM dim_product LIMIT 10 PERCENT;
# expect_issue: UNSUPPORTED_SQL

SELECT product_id FROM dim_product LIMIT ALL;
# expect_issue: UNSUPPORTED_SQL
