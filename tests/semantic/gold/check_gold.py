"""Validate the hand-written gold cases and run every gold SQL on a demo-bank DuckDB file.

    python tests/semantic/gold/check_gold.py /tmp/gold-tiny.duckdb
    python tests/semantic/gold/check_gold.py --syntax-only /tmp/empty-schema.duckdb

Checks, per case: the YAML format (unique ids, known keys, known metric and dimension codes,
period inside the history and ending on a month end, order only with limit, ...); that the SQL runs
on the file opened read-only; that its columns are exactly the ones the MetricQuery contract names
(bucket, dimensions, metrics with their compare columns); that it returns at least one row, no more
than ``limit`` rows, and not only NULL metric values; that bucket values are the first day of their
bucket. Exit status 0 when every case passes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import duckdb
import yaml

GOLD_DIR = Path(__file__).resolve().parent
DATA_DATE = dt.date(2026, 9, 30)
HISTORY_START = dt.date(2024, 1, 1)

METRICS = {
    # supporting metrics (parts of ratios, cumulative and target metrics)
    "demand_deposit_balance", "deposit_budget_target", "special_mention_balance", "new_loan_count",
    "new_loan_amount_ytd", "mobile_txn_count", "credit_approved_count", "credit_decided_count",
    "approved_credit_amount", "drawn_credit_amount", "lead_count", "converted_lead_count",
    "txn_amount_ytd",
    "deposit_balance", "retail_deposit_balance", "corporate_deposit_balance",
    "time_deposit_balance", "deposit_avg_daily", "deposit_growth_ytd", "time_deposit_ratio",
    "loan_balance", "npl_balance", "npl_ratio", "special_mention_ratio", "overdue_loan_balance",
    "normal_migration_rate", "loan_to_deposit_ratio", "new_loan_amount", "customer_count",
    "new_customer_count", "effective_customer_count", "aum_balance", "wealth_balance",
    "txn_count", "txn_amount", "mobile_txn_share", "large_outflow_count",
    "dormant_account_count", "credit_application_count", "credit_approval_rate",
    "credit_utilization_rate", "lead_conversion_rate", "deposit_budget_attainment",
}  # fmt: skip
# 较年初 (ytd) makes sense for point-in-time values: balances, balance counts and balance ratios.
YTD_OK = {
    "demand_deposit_balance", "special_mention_balance", "deposit_budget_target",
    "deposit_balance", "retail_deposit_balance", "corporate_deposit_balance",
    "time_deposit_balance", "loan_balance", "npl_balance", "overdue_loan_balance",
    "customer_count", "effective_customer_count", "aum_balance", "wealth_balance",
    "dormant_account_count", "npl_ratio", "special_mention_ratio", "time_deposit_ratio",
    "loan_to_deposit_ratio",
}  # fmt: skip
DIMENSIONS = {
    "branch", "subbranch", "city", "product_type", "cust_type", "segment", "industry",
    "channel", "five_class", "guarantee_type", "manager",
}  # fmt: skip
GRAINS = {"day", "month", "quarter", "year"}
COMPARES = {"yoy", "mom", "ytd"}
FILE_KEYS = {"metric", "cases"}
CASE_KEYS = {"id", "query", "sql", "note"}
QUERY_KEYS = {"metrics", "dimensions", "filters", "period", "grain", "compare", "order", "limit"}


def _month_end(d: dt.date) -> bool:
    return (d + dt.timedelta(days=1)).day == 1


def _bucket_start(d: dt.date, grain: str) -> dt.date:
    if grain == "day":
        return d
    if grain == "month":
        return d.replace(day=1)
    if grain == "quarter":
        return dt.date(d.year, 3 * ((d.month - 1) // 3) + 1, 1)
    return dt.date(d.year, 1, 1)


def validate_case(case: Any, file_metric: str) -> list[str]:
    """Format problems of one case (empty when fine)."""
    if not isinstance(case, dict):
        return ["case is not a mapping"]
    problems = [f"unknown case key {k!r}" for k in case if k not in CASE_KEYS]
    problems += [f"missing {k!r}" for k in ("id", "query", "sql") if k not in case]
    if problems:
        return problems
    cid, q, sql = case["id"], case["query"], case["sql"]
    if not isinstance(cid, str) or not cid.startswith(f"{file_metric}/"):
        problems.append(f"id must start with '{file_metric}/'")
    if not isinstance(sql, str) or not sql.strip():
        problems.append("sql is empty")
    if not isinstance(q, dict):
        return [*problems, "query is not a mapping"]
    problems += [f"unknown query key {k!r}" for k in q if k not in QUERY_KEYS]
    return (
        problems
        + _metric_problems(q, file_metric)
        + _dimension_problems(q)
        + _period_problems(q)
        + _option_problems(q)
    )


def _metric_problems(q: dict[str, Any], file_metric: str) -> list[str]:
    metrics = q.get("metrics")
    if not isinstance(metrics, list) or not metrics:
        return ["metrics must be a non-empty list"]
    problems = [f"unknown metric {m!r}" for m in metrics if m not in METRICS]
    if len(set(metrics)) != len(metrics):
        problems.append("duplicate metric")
    if file_metric == "_multi":
        if len(metrics) < 2:
            problems.append("_multi cases need two or more metrics")
    elif metrics != [file_metric]:
        problems.append(f"metrics must be [{file_metric}]")
    if q.get("compare") == "ytd":
        problems += [f"ytd on non-balance metric {m!r}" for m in metrics if m not in YTD_OK]
    return problems


def _dimension_problems(q: dict[str, Any]) -> list[str]:
    dims = q.get("dimensions", [])
    if not isinstance(dims, list):
        return ["dimensions must be a list"]
    problems = [f"unknown dimension {d!r}" for d in dims if d not in DIMENSIONS]
    if len(set(dims)) != len(dims):
        problems.append("duplicate dimension")
    for f in q.get("filters", []) or []:
        if not isinstance(f, dict) or set(f) != {"dimension", "values"}:
            problems.append(f"filter must have exactly dimension and values: {f!r}")
            continue
        if f["dimension"] not in DIMENSIONS:
            problems.append(f"unknown filter dimension {f['dimension']!r}")
        if not isinstance(f["values"], list) or not f["values"]:
            problems.append("filter values must be a non-empty list")
    return problems


def _period_problems(q: dict[str, Any]) -> list[str]:
    if "period" not in q:
        return []
    p = q["period"]
    if not isinstance(p, dict) or set(p) != {"start", "end"}:
        return ["period must have exactly start and end"]
    if not all(isinstance(p[k], dt.date) for k in ("start", "end")):
        return ["period start/end must be YAML dates (YYYY-MM-DD)"]
    s, e = p["start"], p["end"]
    problems = []
    if not HISTORY_START <= s <= e <= DATA_DATE:
        problems.append(f"period {s}..{e} outside history or reversed")
    if not _month_end(e):
        problems.append(f"period end {e} is not a month end")
    return problems


def _option_problems(q: dict[str, Any]) -> list[str]:
    problems = []
    grain, compare = q.get("grain"), q.get("compare")
    if grain is not None and grain not in GRAINS:
        problems.append(f"unknown grain {grain!r}")
    if compare is not None and compare not in COMPARES:
        problems.append(f"unknown compare {compare!r}")
    order, limit = q.get("order"), q.get("limit")
    if order is not None and order not in ("asc", "desc"):
        problems.append(f"order must be asc or desc, not {order!r}")
    if (order is None) != (limit is None):
        problems.append("order and limit go together")
    if limit is not None and (not isinstance(limit, int) or limit < 1):
        problems.append("limit must be a positive integer")
    return problems


def expected_columns(q: dict[str, Any]) -> list[str]:
    """Columns the contract names: bucket, dimensions, then each metric (with compare columns)."""
    cols: list[str] = []
    if q.get("grain"):
        cols.append(q["grain"])
    cols += list(q.get("dimensions", []))
    for m in q["metrics"]:
        cols.append(m)
        if q.get("compare"):
            cols += [f"{m}_compare", f"{m}_diff", f"{m}_growth"]
    return cols


def load_cases() -> tuple[list[tuple[str, dict[str, Any]]], list[str]]:
    cases: list[tuple[str, dict[str, Any]]] = []
    problems: list[str] = []
    for path in sorted(GOLD_DIR.glob("*.yaml")):
        try:
            doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            problems.append(f"{path.name}: YAML error: {exc}")
            continue
        if not isinstance(doc, dict) or set(doc) != FILE_KEYS:
            problems.append(f"{path.name}: top level must have exactly {sorted(FILE_KEYS)}")
            continue
        metric = doc["metric"]
        if path.stem != metric:
            problems.append(f"{path.name}: metric {metric!r} does not match the file name")
        if metric != "_multi" and metric not in METRICS:
            problems.append(f"{path.name}: unknown metric {metric!r}")
        for case in doc["cases"] or []:
            for p in validate_case(case, metric):
                cid = case.get("id", "?") if isinstance(case, dict) else "?"
                problems.append(f"{path.name}: {cid}: {p}")
            if isinstance(case, dict):
                cases.append((metric, case))
    ids = Counter(c.get("id") for _, c in cases)
    problems += [f"duplicate id {i!r}" for i, n in ids.items() if n > 1]
    missing = METRICS - {m for m, _ in cases}
    problems += [f"no gold file for metric {m!r}" for m in sorted(missing)]
    return cases, problems


def run_case(
    con: duckdb.DuckDBPyConnection, case: dict[str, Any], syntax_only: bool
) -> tuple[int, list[str]]:
    """Run one case's SQL; (row count, problems)."""
    q = case["query"]
    try:
        cur = con.execute(case["sql"])
        rows = cur.fetchall()
        cols = [d[0] for d in cur.description]
    except duckdb.Error as exc:
        return 0, [f"SQL error: {exc}"]
    problems: list[str] = []
    want = expected_columns(q)
    if cols != want:
        problems.append(f"columns {cols} != expected {want}")
    if syntax_only:
        return len(rows), problems
    if not rows:
        return 0, [*problems, "no rows"]
    return len(rows), problems + _row_problems(q, cols, rows)


def _row_problems(q: dict[str, Any], cols: list[str], rows: list[tuple[Any, ...]]) -> list[str]:
    problems: list[str] = []
    if q.get("limit") is not None and len(rows) > q["limit"]:
        problems.append(f"{len(rows)} rows > limit {q['limit']}")
    metric_idx = [i for i, c in enumerate(cols) if c in q["metrics"]]
    if all(r[i] is None for r in rows for i in metric_idx):
        problems.append("every metric value is NULL")
    cmp_idx = [i for i, c in enumerate(cols) if q.get("compare") and c.endswith("_compare")]
    if cmp_idx and all(r[i] is None for r in rows for i in cmp_idx):
        problems.append("every compare value is NULL")
    grain = q.get("grain")
    if grain and cols and cols[0] == grain:
        bad = [r[0] for r in rows if not _is_bucket_start(r[0], grain)]
        if bad:
            problems.append(f"bucket {bad[0]!r} is not a DATE on the first day of its {grain}")
    key_width = (1 if grain else 0) + len(q.get("dimensions", []))
    keys = Counter(tuple(r[:key_width]) for r in rows)
    if key_width and any(n > 1 for n in keys.values()):
        problems.append("duplicate group keys")
    return problems


def _is_bucket_start(value: Any, grain: str) -> bool:
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        return False
    return _bucket_start(value, grain) == value


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("database", type=Path, help="demo-bank DuckDB file (opened read-only)")
    ap.add_argument(
        "--syntax-only", action="store_true", help="only check that SQL runs (empty schema)"
    )
    ap.add_argument("-v", "--verbose", action="store_true", help="print every case")
    args = ap.parse_args(argv)

    cases, problems = load_cases()
    for p in problems:
        print(f"FORMAT  {p}")
    con = duckdb.connect(str(args.database), read_only=True)
    failures = len(problems)
    per_metric: dict[str, int] = defaultdict(int)
    for metric, case in cases:
        if not isinstance(case.get("query"), dict) or not isinstance(case.get("sql"), str):
            continue
        per_metric[metric] += 1
        n, case_problems = run_case(con, case, args.syntax_only)
        if case_problems:
            failures += 1
            print(f"FAIL    {case['id']}  rows={n}")
            for p in case_problems:
                print(f"          {p}")
        elif args.verbose:
            print(f"ok      {case['id']}  rows={n}")
    print()
    for metric in sorted(per_metric):
        print(f"{metric:28s} {per_metric[metric]:3d} cases")
    print(f"{'total':28s} {sum(per_metric.values()):3d} cases, {failures} problems")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
