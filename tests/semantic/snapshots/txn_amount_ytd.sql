-- single value, default period
WITH timeline AS (
  SELECT
    1 AS bucket,
    CAST('2026-09-01' AS DATE) AS period_start,
    CAST('2026-09-30' AS DATE) AS period_end,
    CAST('2026-08-31' AS DATE) AS prev_end,
    CAST('2026-01-01' AS DATE) AS year_start,
    CAST('2026-09-01' AS DATE) AS label
), m_txn_amount_ytd AS (
  SELECT
    p.bucket,
    SUM(src.amount) AS value
  FROM timeline AS p
  JOIN fact_transaction AS src
    ON src.biz_date BETWEEN p.year_start AND p.period_end
  GROUP BY
    p.bucket
)
SELECT
  v0.value AS txn_amount_ytd
FROM m_txn_amount_ytd AS v0
ORDER BY
  v0.bucket;

-- by branch, 2026 Q2
WITH timeline AS (
  SELECT
    1 AS bucket,
    CAST('2026-04-01' AS DATE) AS period_start,
    CAST('2026-06-30' AS DATE) AS period_end,
    CAST('2026-03-31' AS DATE) AS prev_end,
    CAST('2026-01-01' AS DATE) AS year_start,
    CAST('2026-04-01' AS DATE) AS label
), m_txn_amount_ytd AS (
  SELECT
    p.bucket,
    j_org_branch.org_id AS branch__key,
    j_org_branch.org_name AS branch,
    SUM(src.amount) AS value
  FROM timeline AS p
  JOIN fact_transaction AS src
    ON src.biz_date BETWEEN p.year_start AND p.period_end
  JOIN dim_org AS j_org
    ON j_org.org_id = src.org_id
  JOIN dim_org AS j_org_branch
    ON j_org_branch.org_id = j_org.branch_id
  GROUP BY
    p.bucket,
    j_org_branch.org_id,
    j_org_branch.org_name
)
SELECT
  v0.branch AS branch,
  v0.value AS txn_amount_ytd
FROM m_txn_amount_ytd AS v0
ORDER BY
  v0.bucket,
  v0.branch__key;

-- monthly trend 2026 Q3, 成都分行
WITH timeline AS (
  SELECT
    1 AS bucket,
    CAST('2026-07-01' AS DATE) AS period_start,
    CAST('2026-07-31' AS DATE) AS period_end,
    CAST('2026-06-30' AS DATE) AS prev_end,
    CAST('2026-01-01' AS DATE) AS year_start,
    CAST('2026-07-01' AS DATE) AS label
  UNION ALL
  SELECT
    2 AS bucket,
    CAST('2026-08-01' AS DATE) AS period_start,
    CAST('2026-08-31' AS DATE) AS period_end,
    CAST('2026-07-31' AS DATE) AS prev_end,
    CAST('2026-01-01' AS DATE) AS year_start,
    CAST('2026-08-01' AS DATE) AS label
  UNION ALL
  SELECT
    3 AS bucket,
    CAST('2026-09-01' AS DATE) AS period_start,
    CAST('2026-09-30' AS DATE) AS period_end,
    CAST('2026-08-31' AS DATE) AS prev_end,
    CAST('2026-01-01' AS DATE) AS year_start,
    CAST('2026-09-01' AS DATE) AS label
), m_txn_amount_ytd AS (
  SELECT
    p.bucket,
    SUM(src.amount) AS value
  FROM timeline AS p
  JOIN fact_transaction AS src
    ON src.biz_date BETWEEN p.year_start AND p.period_end
  JOIN dim_org AS j_org
    ON j_org.org_id = src.org_id
  JOIN dim_org AS j_org_branch
    ON j_org_branch.org_id = j_org.branch_id
  WHERE
    j_org_branch.org_id IN ('B05')
  GROUP BY
    p.bucket
)
SELECT
  p.label AS month,
  v0.value AS txn_amount_ytd
FROM m_txn_amount_ytd AS v0
JOIN timeline AS p
  ON p.bucket = v0.bucket
ORDER BY
  v0.bucket;

-- compared (yoy)
WITH timeline AS (
  SELECT
    1 AS bucket,
    CAST('2026-09-01' AS DATE) AS period_start,
    CAST('2026-09-30' AS DATE) AS period_end,
    CAST('2026-08-31' AS DATE) AS prev_end,
    CAST('2026-01-01' AS DATE) AS year_start,
    CAST('2026-09-01' AS DATE) AS label
), m_txn_amount_ytd AS (
  SELECT
    p.bucket,
    SUM(src.amount) AS value
  FROM timeline AS p
  JOIN fact_transaction AS src
    ON src.biz_date BETWEEN p.year_start AND p.period_end
  GROUP BY
    p.bucket
), timeline_yoy AS (
  SELECT
    1 AS bucket,
    CAST('2025-09-01' AS DATE) AS period_start,
    CAST('2025-09-30' AS DATE) AS period_end,
    CAST('2025-08-31' AS DATE) AS prev_end,
    CAST('2025-01-01' AS DATE) AS year_start,
    CAST('2026-09-01' AS DATE) AS label
), m_txn_amount_ytd_yoy AS (
  SELECT
    p.bucket,
    SUM(src.amount) AS value
  FROM timeline_yoy AS p
  JOIN fact_transaction AS src
    ON src.biz_date BETWEEN p.year_start AND p.period_end
  GROUP BY
    p.bucket
)
SELECT
  v0.value AS txn_amount_ytd,
  v0c.value AS txn_amount_ytd_compare,
  v0.value - v0c.value AS txn_amount_ytd_diff,
  (
    v0.value - v0c.value
  ) / NULLIF(v0c.value, 0) AS txn_amount_ytd_growth
FROM m_txn_amount_ytd AS v0
LEFT JOIN m_txn_amount_ytd_yoy AS v0c
  ON v0c.bucket = v0.bucket
ORDER BY
  v0.bucket;
