-- role: hq_analyst
-- Step d: every table and column is known; suggestions name only what the role may see.

SELECT * FROM dim_orgs;
# expect_issue: UNKNOWN_TABLE

SELECT * FROM information_schema.tables;
# expect_issue: UNKNOWN_TABLE

SELECT * FROM pg_catalog.pg_tables;
# expect_issue: UNKNOWN_TABLE

SELECT * FROM duckdb_tables;
# expect_issue: UNKNOWN_TABLE

SELECT * FROM other.main.dim_org;
# expect_issue: UNKNOWN_TABLE

SELECT org_nme, citty FROM dim_org;
# expect_issue: UNKNOWN_COLUMN

SELECT open_date FROM dim_org, dim_customer;
# expect_issue: UNKNOWN_COLUMN

SELECT x.org_id FROM dim_org;
# expect_issue: UNKNOWN_COLUMN

SELECT main.dim_org.org_id FROM main.dim_org;
# expect_issue: UNSUPPORTED_SQL

SELECT org_name.x FROM dim_org;
# expect_issue: UNSUPPORTED_SQL

-- role: hq_executive
SELECT mobile FROM dim_customer;
# expect_issue: ACCESS_DENIED

-- role: hq_executive
SELECT COUNT(*) FROM dim_customer WHERE id_no IS NOT NULL;
# expect_issue: ACCESS_DENIED

-- role: hq_executive
SELECT mobil FROM dim_customer;
# expect_issue: UNKNOWN_COLUMN

-- role: auditor
SELECT 1;
# expect_issue: ACCESS_DENIED

-- role: auditor
this is not even SQL;
# expect_issue: ACCESS_DENIED
