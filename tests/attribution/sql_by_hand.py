"""Hand-written SQL from the 口径 (ARCHITECTURE §5) for attribution cases: per member, the
metric's value (or a ratio's numerator and denominator) at the comparison period and at the
period, inside the role's scope (§6). Nothing here comes from asker's compiler.

A balance is read on the period's last date (loans and AUM at the month end), a flow is summed
over the period's dates, 日均 is the sum of daily balances over the period's calendar days.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

# --- periods: (comparison, period) as points (balances) and as ranges (flows) ------------------


@dataclass(frozen=True)
class Periods:
    points: tuple[date, date]
    ranges: tuple[tuple[date, date], tuple[date, date]]


def _d(text: str) -> date:
    return date.fromisoformat(text)


PERIODS = {
    "本月": Periods(
        (_d("2026-08-31"), _d("2026-09-30")),
        ((_d("2026-08-01"), _d("2026-08-31")), (_d("2026-09-01"), _d("2026-09-30"))),
    ),
    "上月": Periods(
        (_d("2026-07-31"), _d("2026-08-31")),
        ((_d("2026-07-01"), _d("2026-07-31")), (_d("2026-08-01"), _d("2026-08-31"))),
    ),
    "上季度": Periods(
        (_d("2026-03-31"), _d("2026-06-30")),
        ((_d("2026-01-01"), _d("2026-03-31")), (_d("2026-04-01"), _d("2026-06-30"))),
    ),
    "本季度": Periods(
        (_d("2026-06-30"), _d("2026-09-30")),
        ((_d("2026-04-01"), _d("2026-06-30")), (_d("2026-07-01"), _d("2026-09-30"))),
    ),
    "本月同比": Periods(
        (_d("2025-09-30"), _d("2026-09-30")),
        ((_d("2025-09-01"), _d("2025-09-30")), (_d("2026-09-01"), _d("2026-09-30"))),
    ),
    "2026年3月": Periods(
        (_d("2026-02-28"), _d("2026-03-31")),
        ((_d("2026-02-01"), _d("2026-02-28")), (_d("2026-03-01"), _d("2026-03-31"))),
    ),
}

# --- scopes: what each demo user's rows are (§6 demo users, bound to tiny's rows) -------------

SCOPES = {
    "zhang.wei": "TRUE",
    "chen.jie": "TRUE",
    "li.na": "f.org_id IN (SELECT org_id FROM dim_org WHERE branch_id = 'B05')",
    "wang.fang": "f.org_id = 'B05S01'",
    "liu.yang": "f.cust_id IN (SELECT cust_id FROM dim_customer WHERE manager_emp_id = 'E00051')",
}

# --- dimensions: the member's display value and the joins it needs ---------------------------

ORG = "JOIN dim_org o ON o.org_id = f.org_id"
DIMENSIONS = {
    "branch": ("b.org_name", f"{ORG} JOIN dim_org b ON b.org_id = o.branch_id"),
    "subbranch": ("o.org_name", ORG),
    "city": ("o.city", ORG),
    "product_type": ("p.product_type", "JOIN dim_product p ON p.product_id = f.product_id"),
    "segment": ("c.segment", "JOIN dim_customer c ON c.cust_id = f.cust_id"),
    "cust_type": ("c.cust_type", "JOIN dim_customer c ON c.cust_id = f.cust_id"),
    "industry": ("c.industry", "JOIN dim_customer c ON c.cust_id = f.cust_id"),
    "risk_level": ("c.risk_level", "JOIN dim_customer c ON c.cust_id = f.cust_id"),
    "channel": ("f.channel", ""),
    "five_class": ("f.five_class", ""),
    "guarantee_type": ("l.guarantee_type", "JOIN dim_loan l ON l.loan_id = f.loan_id"),
}

# --- metrics: table, time column, kind, value (or numerator/denominator), row condition ------


@dataclass(frozen=True)
class Family:
    table: str
    time: str
    kind: str  # "point" | "flow" | "daily_average"
    value: str  # additive: the value summed; ratio: the denominator's value
    where: str = "TRUE"  # rows the metric (a ratio: its denominator) counts
    numerator: str | None = None  # a ratio: the condition its numerator's rows meet
    needs: str = ""  # a join the condition needs (when not the dimension's own)


TIME_DEPOSITS = "p2.product_type IN ('定期存款', '大额存单')"
PRODUCT = "JOIN dim_product p2 ON p2.product_id = f.product_id"
NPL = "f.five_class IN ('次级', '可疑', '损失')"
FAMILIES = {
    "deposit_balance": Family("fact_deposit_balance_daily", "biz_date", "point", "f.balance"),
    "time_deposit_balance": Family(
        "fact_deposit_balance_daily", "biz_date", "point", "f.balance", TIME_DEPOSITS, None, PRODUCT
    ),
    "loan_balance": Family("fact_loan_balance_monthly", "month_end", "point", "f.balance"),
    "npl_balance": Family("fact_loan_balance_monthly", "month_end", "point", "f.balance", NPL),
    "aum_balance": Family("fact_customer_aum_monthly", "month_end", "point", "f.aum_amt"),
    "new_loan_amount": Family("dim_loan", "start_date", "flow", "f.contract_amt"),
    "txn_amount": Family("fact_transaction", "biz_date", "flow", "f.amount"),
    "txn_count": Family("fact_transaction", "biz_date", "flow", "1"),
    "deposit_avg_daily": Family(
        "fact_deposit_balance_daily", "biz_date", "daily_average", "f.balance"
    ),
    "npl_ratio": Family(
        "fact_loan_balance_monthly", "month_end", "point", "f.balance", "TRUE", NPL
    ),
    "time_deposit_ratio": Family(
        "fact_deposit_balance_daily",
        "biz_date",
        "point",
        "f.balance",
        "TRUE",
        TIME_DEPOSITS,
        PRODUCT,
    ),
    "mobile_txn_share": Family(
        "fact_transaction", "biz_date", "flow", "1", "TRUE", "f.channel = '手机银行'"
    ),
}


def _in_period(family: Family, periods: Periods, which: int) -> str:
    if family.kind == "point":
        return f"f.{family.time} = DATE '{periods.points[which].isoformat()}'"
    start, end = periods.ranges[which]
    return f"f.{family.time} BETWEEN DATE '{start.isoformat()}' AND DATE '{end.isoformat()}'"


def _days(periods: Periods, which: int) -> int:
    start, end = periods.ranges[which]
    return (end - start).days + 1


def member_sql(metric: str, dimension: str | None, period: str, user: str) -> str:
    """Additive: member, v0, v1. Ratio: member, n0, d0, n1, d1 (no dimension: one row, member
    NULL)."""
    family, periods = FAMILIES[metric], PERIODS[period]
    member, joins = DIMENSIONS[dimension] if dimension else ("NULL", "")
    at = [_in_period(family, periods, i) for i in (0, 1)]
    sums = []
    for i in (0, 1):
        divide = f" / {_days(periods, i)}" if family.kind == "daily_average" else ""
        if family.numerator is not None:
            sums.append(f"SUM(CASE WHEN {at[i]} AND {family.numerator} THEN {family.value} END)")
        sums.append(f"SUM(CASE WHEN {at[i]} THEN {family.value} END){divide}")
    needs = family.needs if family.needs not in joins else ""
    return f"""SELECT {member} AS member, {", ".join(sums)}
        FROM {family.table} f {joins} {needs}
        WHERE ({at[0]} OR {at[1]}) AND {family.where} AND {SCOPES[user]}
        GROUP BY 1"""


def is_ratio(metric: str) -> bool:
    return FAMILIES[metric].numerator is not None


OTHER_ORGS = """SELECT org_name FROM dim_org
    WHERE org_level <> '总行' AND org_id <> 'B05' AND coalesce(branch_id, '') <> 'B05'"""
