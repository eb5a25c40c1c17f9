-- role: hq_analyst
-- Steps b and c: only allow-listed constructs and functions.

SELECT #1 FROM dim_org;
# expect_issue: UNSUPPORTED_SQL

SELECT * REPLACE (1 AS org_id) FROM dim_org;
# expect_issue: UNSUPPORTED_SQL

SELECT * RENAME (cust_name AS n) FROM dim_customer;
# expect_issue: UNSUPPORTED_SQL

SELECT COLUMNS('.*name') FROM dim_customer;
# expect_issue: UNSUPPORTED_SQL

SELECT org_id FROM dim_org UNION BY NAME SELECT org_id FROM dim_org;
# expect_issue: UNSUPPORTED_SQL

SELECT * FROM dim_org PIVOT (count(*) FOR city IN ('成都'));
# expect_issue: UNSUPPORTED_SQL

SELECT * FROM dim_customer TABLESAMPLE 10%;
# expect_issue: UNSUPPORTED_SQL

SELECT * FROM dim_customer USING SAMPLE 5;
# expect_issue: UNSUPPORTED_SQL

SELECT $1;
# expect_issue: UNSUPPORTED_SQL

SELECT ?;
# expect_issue: UNSUPPORTED_SQL

SELECT getvariable('v');
# expect_issue: UNSUPPORTED_SQL

SELECT list_transform([1, 2], x -> x + 1);
# expect_issue: UNSUPPORTED_SQL

SELECT {'a': cust_name} FROM dim_customer;
# expect_issue: UNSUPPORTED_SQL

SELECT MAP {'a': 1};
# expect_issue: UNSUPPORTED_SQL

SELECT c FROM dim_customer AS c;
# expect_issue: UNSUPPORTED_SQL

SELECT * FROM dim_org AT (VERSION => 1);
# expect_issue: UNSUPPORTED_SQL

WITH x AS (DELETE FROM dim_org RETURNING *) SELECT * FROM x;
# expect_issue: UNSUPPORTED_SQL

WITH RECURSIVE r AS (SELECT 1 AS n UNION ALL SELECT n + 1 FROM r) SELECT * FROM r;
# expect_issue: UNSUPPORTED_SQL

SELECT * FROM read_csv('/etc/passwd');
# expect_issue: FUNCTION_NOT_ALLOWED

SELECT * FROM query('SELECT * FROM dim_customer');
# expect_issue: FUNCTION_NOT_ALLOWED

SELECT * FROM query_table('dim_customer');
# expect_issue: FUNCTION_NOT_ALLOWED

SELECT * FROM range(1000000000);
# expect_issue: FUNCTION_NOT_ALLOWED

SELECT x FROM dim_customer AS t(x);
# expect_issue: UNSUPPORTED_SQL

SELECT org_id FROM dim_org /* sqlglot.meta case_sensitive */;
# expect_issue: UNSUPPORTED_SQL

SELECT current_setting('threads');
# expect_issue: FUNCTION_NOT_ALLOWED

SELECT getenv('HOME');
# expect_issue: FUNCTION_NOT_ALLOWED

SELECT version();
# expect_issue: FUNCTION_NOT_ALLOWED

SELECT md5(org_id) FROM dim_org;
# expect_issue: FUNCTION_NOT_ALLOWED

SELECT regexp_matches(org_name, '成都') FROM dim_org;
# expect_issue: FUNCTION_NOT_ALLOWED

SELECT string_agg(org_id, ',') FROM dim_org;
# expect_issue: FUNCTION_NOT_ALLOWED

SELECT CAST(org_id AS JSON) FROM dim_org;
# expect_issue: UNSUPPORTED_SQL

SELECT org_id FROM dim_org ASOF JOIN dim_employee ON dim_org.org_id >= dim_employee.org_id;
# expect_issue: UNSUPPORTED_SQL
