-- role: hq_analyst
-- Step a: exactly one statement, and it is a query. Pairs: input ; then the rewrite or the issue.

SELECT 1 AS one;
SELECT 1 AS "one" LIMIT 5001;

/* a comment */ SELECT 1 AS one -- and another
;
SELECT 1 AS "one" LIMIT 5001;

SELECT 1; SELECT 2;
# expect_issue: MULTIPLE_STATEMENTS

SELECT 1; DROP TABLE dim_customer;
# expect_issue: MULTIPLE_STATEMENTS

DELETE FROM dim_customer;
# expect_issue: NOT_READ_ONLY

UPDATE dim_customer SET mobile = NULL;
# expect_issue: NOT_READ_ONLY

INSERT INTO dim_org VALUES ('X', 'X', '支行', NULL, NULL, NULL, NULL);
# expect_issue: NOT_READ_ONLY

CREATE TEMP TABLE t AS SELECT * FROM dim_customer;
# expect_issue: NOT_READ_ONLY

CREATE TEMP MACRO m() AS 1;
# expect_issue: NOT_READ_ONLY

PRAGMA database_list;
# expect_issue: NOT_READ_ONLY

SET VARIABLE v = 1;
# expect_issue: NOT_READ_ONLY

SET search_path = 'other';
# expect_issue: NOT_READ_ONLY

ATTACH '/tmp/x.duckdb' AS x;
# expect_issue: NOT_READ_ONLY

COPY dim_customer TO '/tmp/leak.csv';
# expect_issue: NOT_READ_ONLY

CHECKPOINT;
# expect_issue: NOT_READ_ONLY

LOAD json;
# expect_issue: NOT_READ_ONLY

SUMMARIZE dim_customer;
# expect_issue: NOT_READ_ONLY

DESCRIBE dim_customer;
# expect_issue: NOT_READ_ONLY

SHOW TABLES;
# expect_issue: NOT_READ_ONLY

PIVOT dim_org ON city USING count(*);
# expect_issue: NOT_READ_ONLY

SELECT FROM WHERE;
# expect_issue: INVALID_SQL
