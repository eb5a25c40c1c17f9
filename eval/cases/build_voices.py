"""Build the ``voices`` suite (issue 18 item 6): questions in the voices of the five data roles.

Written before the parser saw any of it. Every question is composed from phrasings written by hand
for each role (spoken style, fillers, typos a person makes with a pinyin keyboard, abbreviations,
English and mixed Chinese-English) around an intent; every intent's gold SQL is written by hand
here from the 口径 of ARCHITECTURE §4-§5 with the asking role's scope and masks of §6 written in
(never produced by asker's compiler). Demo bindings (asker init, seed 42): li.na = 成都分行 B05,
wang.fang = 成都高新支行 B05S01, liu.yang = client manager E00051 (customers of B05S01),
zhang.wei = hq_analyst, chen.jie = hq_executive (aggregates only). Data date 2026-09-30.

The phrasing choices are drawn with a recorded seed (``PHRASE_SEED``); the tuned/untouched split
is made afterwards by ``split_voices.py`` with its own recorded seed.

    python eval/cases/build_voices.py && python eval/cases/split_voices.py
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

OUT = Path(__file__).resolve().parent
PHRASE_SEED = 20261207
D = "2026-09-30"

# --- scope and masks of each role (§6), written by hand ---------------------------------------

# predicate on a fact alias ``f`` with org_id and cust_id
SCOPE = {
    "zhang.wei": "",
    "chen.jie": "",
    "li.na": " AND f.org_id IN (SELECT org_id FROM dim_org WHERE branch_id = 'B05')",
    "wang.fang": " AND f.org_id = 'B05S01'",
    "liu.yang": (
        " AND f.cust_id IN (SELECT cust_id FROM dim_customer WHERE manager_emp_id = 'E00051')"
    ),
}
# predicate on dim_customer ``c`` (entity lists)
CUST_SCOPE = {
    "zhang.wei": "",
    "li.na": " AND c.open_org_id IN (SELECT org_id FROM dim_org WHERE branch_id = 'B05')",
    "wang.fang": " AND c.open_org_id = 'B05S01'",
    "liu.yang": " AND c.manager_emp_id = 'E00051'",
}
ROLE = {
    "zhang.wei": "hq_analyst",
    "chen.jie": "hq_executive",
    "li.na": "branch_manager",
    "wang.fang": "subbranch_manager",
    "liu.yang": "client_manager",
}
NAME_MASKED = (
    "CASE WHEN c.cust_name IS NULL THEN NULL WHEN length(c.cust_name) <= 1 THEN "
    "repeat('*', length(c.cust_name)) ELSE left(c.cust_name, 1) || '**' END"
)
MOBILE_MASKED = (
    "CASE WHEN c.mobile IS NULL THEN NULL WHEN length(c.mobile) <= 7 THEN "
    "repeat('*', length(c.mobile)) ELSE left(c.mobile, 3) || '****' || right(c.mobile, 4) END"
)
ID_MASKED = (
    "CASE WHEN c.id_no IS NULL THEN NULL WHEN length(c.id_no) <= 10 THEN "
    "repeat('*', length(c.id_no)) ELSE left(c.id_no, 6) || '********' || right(c.id_no, 4) END"
)

# --- metrics: 口径 by hand (§5) ------------------------------------------------------------------


@dataclass(frozen=True)
class Metric:
    code: str
    kind: str  # balance (read at a date) | flow (summed over a range)
    table: str
    date_col: str
    value: str  # aggregate over alias f (and joins)
    joins: str = ""
    where: str = ""
    zh: tuple[str, ...] = ()
    en: tuple[str, ...] = ()
    entity: bool = False  # has the customer grain


FIVE_BAD = "f.five_class IN ('次级', '可疑', '损失')"
METRICS = {
    m.code: m
    for m in [
        Metric(
            "deposit_balance",
            "balance",
            "fact_deposit_balance_daily",
            "biz_date",
            "SUM(f.balance)",
            zh=("存款余额", "存款", "存款总额", "存款规模", "存款于额", "存款余", "存款余颚"),
            en=("deposit balance", "deposits", "total deposits"),
            entity=True,
        ),
        Metric(
            "retail_deposit_balance",
            "balance",
            "fact_deposit_balance_daily",
            "biz_date",
            "SUM(f.balance)",
            joins=" JOIN dim_customer c ON c.cust_id = f.cust_id",
            where=" AND c.cust_type = '个人'",
            zh=("储蓄存款余额", "储蓄存款", "个人存款", "储蓄存歀"),
            en=("retail deposits", "retail deposit balance"),
        ),
        Metric(
            "corporate_deposit_balance",
            "balance",
            "fact_deposit_balance_daily",
            "biz_date",
            "SUM(f.balance)",
            joins=" JOIN dim_customer c ON c.cust_id = f.cust_id",
            where=" AND c.cust_type = '对公'",
            zh=("对公存款余额", "对公存款", "公司存款", "对工存款"),
            en=("corporate deposits", "corporate deposit balance"),
        ),
        Metric(
            "time_deposit_balance",
            "balance",
            "fact_deposit_balance_daily",
            "biz_date",
            "SUM(f.balance)",
            joins=" JOIN dim_product p ON p.product_id = f.product_id",
            where=" AND p.product_type IN ('定期存款', '大额存单')",
            zh=("定期存款余额", "定期存款", "定期"),
            en=("time deposits",),
        ),
        Metric(
            "loan_balance",
            "balance",
            "fact_loan_balance_monthly",
            "month_end",
            "SUM(f.balance)",
            zh=("贷款余额", "贷款", "贷款总额", "代款余额", "贷款规模", "贷款余"),
            en=("loan balance", "loans", "outstanding loans"),
            entity=True,
        ),
        Metric(
            "npl_balance",
            "balance",
            "fact_loan_balance_monthly",
            "month_end",
            f"SUM(CASE WHEN {FIVE_BAD} THEN f.balance ELSE 0 END)",
            zh=("不良贷款余额", "不良余额", "NPL余额", "不良贷款的余额"),
            en=("NPL balance", "non-performing loan balance"),
        ),
        Metric(
            "npl_ratio",
            "balance",
            "fact_loan_balance_monthly",
            "month_end",
            f"SUM(CASE WHEN {FIVE_BAD} THEN f.balance ELSE 0 END) / NULLIF(SUM(f.balance), 0)",
            zh=("不良贷款率", "不良率", "NPL率", "NPL", "不凉率", "不良贷款比率"),
            en=("NPL ratio", "non-performing loan ratio", "NPL"),
        ),
        Metric(
            "aum_balance",
            "balance",
            "fact_customer_aum_monthly",
            "month_end",
            "SUM(f.aum_amt)",
            zh=("AUM", "AUM余额", "aum", "客户资产AUM"),
            en=("AUM", "assets under management"),
            entity=True,
        ),
        Metric(
            "wealth_balance",
            "balance",
            "fact_customer_aum_monthly",
            "month_end",
            "SUM(f.wealth_amt)",
            zh=("理财余额", "理财规模", "理材余额"),
            en=("wealth management balance", "wealth balance"),
        ),
        Metric(
            "customer_count",
            "balance",
            "fact_deposit_balance_daily",
            "biz_date",
            "COUNT(DISTINCT f.cust_id)",
            zh=("客户数", "客户数量", "客户总数", "客护数"),
            en=("number of customers", "customer count"),
        ),
        Metric(
            "txn_count",
            "flow",
            "fact_transaction",
            "biz_date",
            "COUNT(*)",
            zh=("交易笔数", "交易的笔数", "交易笔树"),
            en=("transaction count", "number of transactions"),
        ),
        Metric(
            "txn_amount",
            "flow",
            "fact_transaction",
            "biz_date",
            "SUM(f.amount)",
            zh=("交易金额", "交易额", "交易总金额"),
            en=("transaction amount", "transaction value"),
        ),
        Metric(
            "new_loan_amount",
            "flow",
            "dim_loan",
            "start_date",
            "SUM(f.contract_amt)",
            zh=("新发放贷款金额", "新发放贷款", "新放贷款金额", "贷款投放金额"),
            en=("new loan amount", "new lending"),
        ),
        Metric(
            "credit_application_count",
            "flow",
            "fact_credit_application",
            "apply_date",
            "COUNT(*)",
            zh=("授信申请笔数", "授信申请数", "授信申请的笔数"),
            en=("credit applications", "number of credit applications"),
        ),
    ]
}
LDR_ZH = ("存贷比", "LDR", "存代比", "存贷比例")
LDR_EN = ("LDR", "loan-to-deposit ratio", "loan to deposit ratio")

# periods: (zh words, en words, start, end); balances read at end
BAL_PERIODS = [
    ("", "", D, D),
    ("上月末", "at the end of last month", "2026-08-31", "2026-08-31"),
    ("6月末", "at end of June", "2026-06-30", "2026-06-30"),
    ("去年年末", "at the end of last year", "2025-12-31", "2025-12-31"),
    ("上季度末", "at the end of last quarter", "2026-06-30", "2026-06-30"),
]
FLOW_PERIODS = [
    ("", "", "2026-09-01", D),
    ("本月", "this month", "2026-09-01", D),
    ("上个月", "last month", "2026-08-01", "2026-08-31"),
    ("今年以来", "so far this year", "2026-01-01", D),
    ("上季度", "last quarter", "2026-04-01", "2026-06-30"),
    ("去年", "in 2025", "2025-01-01", "2025-12-31"),
]


def metric_sql(m: Metric, user: str, start: str, end: str, extra: str = "") -> str:
    """One value of ``m`` for ``user`` over the period (balances at ``end``)."""
    when = (
        f"f.{m.date_col} = DATE '{end}'"
        if m.kind == "balance"
        else f"f.{m.date_col} BETWEEN DATE '{start}' AND DATE '{end}'"
    )
    return (
        f"SELECT {m.value} AS {m.code}\nFROM {m.table} f{m.joins}\n"
        f"WHERE {when}{m.where}{SCOPE[user]}{extra}\n"
    )


def ldr_sql(user: str, end: str) -> str:
    s = SCOPE[user]
    return (
        f"SELECT (SELECT SUM(f.balance) FROM fact_loan_balance_monthly f WHERE f.month_end = "
        f"DATE '{end}'{s})\n  / (SELECT SUM(f.balance) FROM fact_deposit_balance_daily f "
        f"WHERE f.biz_date = DATE '{end}'{s}) AS loan_to_deposit_ratio\n"
    )


def grouped_sql(
    m: Metric,
    user: str,
    by: str,
    end: str,
    start: str = "",
    *,
    having: str = "",
    order: str = "",
    limit: int = 0,
) -> str:
    """``m`` by branch / subbranch / product_type within the user's scope."""
    when = (
        f"f.{m.date_col} = DATE '{end}'"
        if m.kind == "balance"
        else f"f.{m.date_col} BETWEEN DATE '{start}' AND DATE '{end}'"
    )
    if by == "branch":
        join, col, group = (
            " JOIN dim_org s ON s.org_id = f.org_id JOIN dim_org b ON b.org_id = s.branch_id",
            "b.org_name AS branch",
            "b.org_id, b.org_name",
        )
    elif by == "subbranch":
        join, col, group = (
            " JOIN dim_org s ON s.org_id = f.org_id",
            "s.org_name AS subbranch",
            "s.org_id, s.org_name",
        )
    else:
        join, col, group = (
            " JOIN dim_product p ON p.product_id = f.product_id",
            "p.product_type AS product_type",
            "p.product_type",
        )
    joins = m.joins if not (by == "product_type" and "dim_product" in m.joins) else ""
    sql = (
        f"SELECT {col}, {m.value} AS {m.code}\nFROM {m.table} f{joins}{join}\n"
        f"WHERE {when}{m.where}{SCOPE[user]}\nGROUP BY {group}"
    )
    if having:
        sql += f" HAVING {m.value} {having}"
    if order:
        sql += f"\nORDER BY {m.code} {order} LIMIT {limit}"
    return sql + "\n"


def compare_sql(m: Metric, user: str, end: str, base: str) -> str:
    """Value, comparison value, difference, growth (§5 Comparisons)."""
    cur = metric_sql(m, user, end, end).replace(f" AS {m.code}", " AS v")
    cmp = metric_sql(m, user, base, base).replace(f" AS {m.code}", " AS v")
    c = m.code
    return (
        f"WITH cur AS ({cur}), cmp AS ({cmp})\n"
        f"SELECT cur.v AS {c}, cmp.v AS {c}_compare, cur.v - cmp.v AS {c}_diff,\n"
        f"       (cur.v - cmp.v) / NULLIF(cmp.v, 0) AS {c}_growth\nFROM cur CROSS JOIN cmp\n"
    )


def entity_sql(
    m: Metric,
    user: str,
    attrs: tuple[str, ...],
    *,
    order: str = "",
    limit: int = 0,
    having: str = "",
) -> str:
    """Customers of the user's scope with ``m`` (§6: names visible to the client manager only)."""
    name = "c.cust_name" if user == "liu.yang" else NAME_MASKED
    cols = ["c.cust_id", f"{name} AS cust_name"]
    group = ["c.cust_id", "c.cust_name"]
    if "mobile" in attrs:
        cols.append(f"{MOBILE_MASKED} AS mobile")
        group.append("c.mobile")
    if "id_no" in attrs:
        cols.append(f"{ID_MASKED} AS id_no")
        group.append("c.id_no")
    cols.append(f"{m.value} AS {m.code}")
    sql = (
        f"SELECT {', '.join(cols)}\nFROM {m.table} f JOIN dim_customer c ON c.cust_id = f.cust_id\n"
        f"WHERE f.{m.date_col} = DATE '{D}'{CUST_SCOPE[user]}\nGROUP BY {', '.join(group)}"
    )
    if having:
        sql += f" HAVING {m.value} {having}"
    if order:
        sql += f"\nORDER BY {m.code} {order}, c.cust_id LIMIT {limit}"
    return sql + "\n"


# --- voices: written by hand per role ------------------------------------------------------------

PRE = {
    "liu.yang": [
        "",
        "帮我看下",
        "麻烦查一下",
        "嗯那个，",
        "我名下客户的",
        "我的客户",
        "我管的客户",
        "急，",
        "老师帮忙看下",
        "查下",
    ],
    "wang.fang": [
        "",
        "我们支行",
        "咱支行",
        "帮我看看",
        "那个，",
        "麻烦统计下",
        "本支行",
        "查一下",
        "嗯，",
        "给我拉一下",
    ],
    "li.na": [
        "",
        "我们分行",
        "咱们分行",
        "帮我查下",
        "那个啥，",
        "麻烦出个数，",
        "本分行",
        "看一下",
        "嗯",
        "请问",
    ],
    "zhang.wei": [
        "",
        "全行",
        "帮我拉一下",
        "麻烦跑个数：",
        "查询",
        "嗯，",
        "请问一下",
        "统计一下",
        "我想看",
        "给我出一下",
    ],
    "chen.jie": [
        "",
        "全行",
        "给我看看",
        "简单说下",
        "我想知道",
        "汇报一下",
        "现在",
        "说一下",
        "嗯",
        "总体看",
    ],
}
SUF = [
    "",
    "是多少",
    "多少",
    "有多少",
    "是多少啊",
    "多少来着",
    "呢",
    "多少？",
    "是多少呀，谢谢",
    "咋样",
    "情况",
    "怎么样了",
    "？",
    "给个数",
    "大概多少",
]
EN_PRE = [
    "",
    "what's the ",
    "show me the ",
    "can you tell me the ",
    "pls give me ",
    "hey, ",
    "quick one: ",
    "what is our ",
]
EN_SUF = ["", "?", " please", " pls", " thx", ", thanks"]
MIX_PRE = ["帮我看下", "查一下", "", "我想看", "给我"]  # mixed Chinese-English


@dataclass
class Builder:
    rng: random.Random = field(default_factory=lambda: random.Random(PHRASE_SEED))
    cases: list[dict[str, Any]] = field(default_factory=list)
    seen: set[tuple[str, str, tuple[str, ...]]] = field(default_factory=set)

    def add(  # noqa: PLR0917 - one call per phrasing, read as a row
        self,
        cid: str,
        user: str,
        question: str,
        expect: dict[str, Any],
        shape: str,
        voice: str,
        metric: str | None = None,
        turns: tuple[str, ...] = (),
    ) -> None:
        question = " ".join(question.split()).strip().replace(" ,", ",").replace(" ?", "?")
        if (user, question, turns) in self.seen:
            return
        self.seen.add((user, question, turns))
        zh = any("\u4e00" <= ch <= "\u9fff" for ch in question)
        case: dict[str, Any] = {
            "id": f"voices/{user}/{len(self.cases) + 1:04d}/{cid}",
            "user": user,
            "question": question,
            "language": "zh" if zh else "en",
        }
        if turns:
            case["turns"] = list(turns)
        case["modes"] = ["deterministic", "llm"]
        case["expect"] = expect
        case["tags"] = {
            "metric": metric,
            "shape": shape,
            "followup": bool(turns),
            "ambiguity": expect["status"] == "clarify",
            "outside_dictionary": expect.get("code") == "NOT_ANSWERABLE",
            "permission": ROLE[user],
            "source": "voices",
            "voice": voice,
        }
        self.cases.append(case)

    def pick(self, items: list[str] | tuple[str, ...]) -> str:
        return self.rng.choice(list(items))


def ok(sql: str, *metrics: str, ordered: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {"status": "ok", "sql": sql, "metrics": list(metrics)}
    if ordered:
        out["order_matters"] = True
    return out


USERS = ["liu.yang", "wang.fang", "li.na", "zhang.wei", "chen.jie"]
NUM_ZH = {3: "三", 5: "五", 10: "十"}


def singles(b: Builder) -> None:
    """One metric, one period, in each role's voice: Chinese, English, mixed."""
    for user in USERS:
        for m in METRICS.values():
            periods = BAL_PERIODS if m.kind == "balance" else FLOW_PERIODS
            for pz, pe, start, end in periods:
                sql = metric_sql(m, user, start, end)
                for _ in range(1):
                    q = f"{b.pick(PRE[user])}{pz}{b.pick(m.zh)}{b.pick(SUF)}"
                    b.add(m.code, user, q, ok(sql, m.code), "single", "spoken_zh", m.code)
                q = f"{b.pick(EN_PRE)}{b.pick(m.en)} {pe}{b.pick(EN_SUF)}"
                b.add(m.code, user, q, ok(sql, m.code), "single", "english", m.code)
                if m.en[0].isupper() or b.rng.random() < 0.3:
                    q = f"{b.pick(MIX_PRE)}{pz}的{b.pick(m.en)}{b.pick(['', '多少', '是多少'])}"
                    b.add(m.code, user, q, ok(sql, m.code), "single", "mixed", m.code)
        for pz, pe, _, end in BAL_PERIODS:
            sql = ldr_sql(user, end)
            for _ in range(1):
                q = f"{b.pick(PRE[user])}{pz}{b.pick(LDR_ZH)}{b.pick(SUF)}"
                b.add(
                    "ldr",
                    user,
                    q,
                    ok(sql, "loan_to_deposit_ratio"),
                    "single",
                    "abbreviation",
                    "loan_to_deposit_ratio",
                )
            q = f"{b.pick(EN_PRE)}{b.pick(LDR_EN)} {pe}{b.pick(EN_SUF)}"
            b.add(
                "ldr",
                user,
                q,
                ok(sql, "loan_to_deposit_ratio"),
                "single",
                "english",
                "loan_to_deposit_ratio",
            )


def compares(b: Builder) -> None:
    bases = [
        (
            "yoy",
            "2025-09-30",
            ["同比", "同比怎么样", "跟去年同期比", "比去年同期", "YoY", "同比变化"],
            ["year on year", "YoY", "vs same time last year"],
        ),
        (
            "ytd",
            "2025-12-31",
            ["较年初", "比年初", "跟年初比", "和年初相比"],
            ["vs start of year", "compared with the start of the year"],
        ),
        (
            "mom",
            "2026-08-31",
            ["环比", "比上月", "跟上个月比", "环比变化"],
            ["month on month", "MoM", "vs last month"],
        ),
    ]
    codes = [
        "deposit_balance",
        "loan_balance",
        "npl_ratio",
        "aum_balance",
        "corporate_deposit_balance",
        "retail_deposit_balance",
        "customer_count",
    ]
    for user in USERS:
        for code in codes:
            m = METRICS[code]
            for name, base, zh, en in bases:
                sql = compare_sql(m, user, D, base)
                for _ in range(1):
                    q = (
                        f"{b.pick(PRE[user])}{b.pick(m.zh)}"
                        f"{b.pick(zh)}{b.pick(['', '如何', '多少', '？'])}"
                    )
                    b.add(f"{code}_{name}", user, q, ok(sql, code), "compare", "spoken_zh", code)
                q = f"{b.pick(EN_PRE)}{b.pick(m.en)} {b.pick(en)}{b.pick(EN_SUF)}"
                b.add(f"{code}_{name}", user, q, ok(sql, code), "compare", "english", code)


def growth_ytd(b: Builder) -> None:
    """存款较年初增量 is its own metric (one value)."""
    zh = [
        "存款较年初增量",
        "存款比年初增加了多少",
        "存款较年初增长了多少",
        "今年存款增量",
        "存款新增了多少（较年初）",
    ]
    for user in USERS:
        s = SCOPE[user]
        sql = (
            f"SELECT (SELECT SUM(f.balance) FROM fact_deposit_balance_daily f WHERE f.biz_date = "
            f"DATE '{D}'{s}) - (SELECT SUM(f.balance) FROM fact_deposit_balance_daily f WHERE "
            f"f.biz_date = DATE '2025-12-31'{s}) AS deposit_growth_ytd\n"
        )
        for words in zh:
            q = f"{b.pick(PRE[user])}{words}"
            b.add(
                "deposit_growth_ytd",
                user,
                q,
                ok(sql, "deposit_growth_ytd"),
                "single",
                "spoken_zh",
                "deposit_growth_ytd",
            )
        b.add(
            "deposit_growth_ytd",
            user,
            "deposit growth since the start of the year",
            ok(sql, "deposit_growth_ytd"),
            "single",
            "english",
            "deposit_growth_ytd",
        )


def multi(b: Builder) -> None:
    pairs = [
        ("deposit_balance", "loan_balance"),
        ("npl_balance", "npl_ratio"),
        ("deposit_balance", "aum_balance"),
        ("loan_balance", "npl_ratio"),
        ("retail_deposit_balance", "corporate_deposit_balance"),
        ("txn_count", "txn_amount"),
    ]
    joiners = ["和", "、", "跟", "以及", "还有"]
    for user in USERS:
        for a, c in pairs:
            ma, mc = METRICS[a], METRICS[c]
            periods = BAL_PERIODS[:3] if ma.kind == "balance" else FLOW_PERIODS[1:4]
            for pz, pe, start, end in periods:
                sa = metric_sql(ma, user, start, end).strip()
                sc = metric_sql(mc, user, start, end).strip()
                sql = f"SELECT ({sa}) AS {a}, ({sc}) AS {c}\n"
                q = (
                    f"{b.pick(PRE[user])}{pz}{b.pick(ma.zh)}"
                    f"{b.pick(joiners)}{b.pick(mc.zh)}{b.pick(SUF)}"
                )
                b.add(f"{a}+{c}", user, q, ok(sql, a, c), "multi_metric", "spoken_zh", a)
                q = f"{b.pick(EN_PRE)}{ma.en[0]} and {mc.en[0]} {pe}{b.pick(EN_SUF)}"
                b.add(f"{a}+{c}", user, q, ok(sql, a, c), "multi_metric", "english", a)


BREAK_WORDS = {
    "branch": ["各分行", "分行维度的", "按分行", "每个分行的", "各个分行"],
    "subbranch": ["各支行", "按支行", "每个支行的", "下面各支行", "分支行"],
    "product_type": ["按产品类型", "各产品类型的", "分产品"],
}
BREAK_EN = {"branch": "by branch", "subbranch": "by sub-branch", "product_type": "by product type"}


def breakdowns(b: Builder) -> None:
    plan = {
        "zhang.wei": ["branch", "subbranch", "product_type"],
        "chen.jie": ["branch", "product_type"],
        "li.na": ["subbranch", "product_type"],
        "wang.fang": ["product_type"],
        "liu.yang": ["product_type"],
    }
    codes = [
        "deposit_balance",
        "loan_balance",
        "npl_ratio",
        "aum_balance",
        "customer_count",
        "txn_amount",
        "time_deposit_balance",
    ]
    for user, dims in plan.items():
        for code in codes:
            m = METRICS[code]
            for dim in dims:
                if dim == "product_type" and m.table in (
                    "fact_customer_aum_monthly",
                    "fact_transaction",
                ):
                    continue
                for pz, pe, start, end in (
                    BAL_PERIODS[:2] if m.kind == "balance" else FLOW_PERIODS[1:3]
                ):
                    sql = grouped_sql(m, user, dim, end, start)
                    for _ in range(1):
                        q = (
                            f"{b.pick(PRE[user])}{pz}{b.pick(BREAK_WORDS[dim])}"
                            f"{b.pick(m.zh)}{b.pick(SUF)}"
                        )
                        b.add(
                            f"{code}_by_{dim}",
                            user,
                            q,
                            ok(sql, code),
                            "breakdown",
                            "spoken_zh",
                            code,
                        )
                    q = f"{b.pick(EN_PRE)}{b.pick(m.en)} {BREAK_EN[dim]} {pe}{b.pick(EN_SUF)}"
                    b.add(f"{code}_by_{dim}", user, q, ok(sql, code), "breakdown", "english", code)


def rankings(b: Builder) -> None:
    plan = {"zhang.wei": ["branch", "subbranch"], "chen.jie": ["branch"], "li.na": ["subbranch"]}
    codes = ["deposit_balance", "loan_balance", "npl_ratio", "aum_balance", "txn_amount"]
    noun = {"branch": "分行", "subbranch": "支行"}
    for user, dims in plan.items():
        for code in codes:
            m = METRICS[code]
            for dim in dims:
                for n in (3, 5) if dim == "branch" else (2, 3):
                    for order, words in (
                        ("DESC", ["最高", "最多", "排名前", "top"]),
                        ("ASC", ["最低", "最少", "倒数", "垫底"]),
                    ):
                        end = D
                        start = "2026-09-01"
                        sql = grouped_sql(m, user, dim, end, start, order=order, limit=n)
                        w = b.pick(words)
                        num = b.pick([str(n), NUM_ZH.get(n, str(n))])
                        if w in ("排名前", "top", "倒数"):
                            q = f"{b.pick(PRE[user])}{b.pick(m.zh)}{w}{num}的{noun[dim]}"
                        else:
                            q = (
                                f"{b.pick(PRE[user])}{b.pick(m.zh)}{w}的{num}个"
                                f"{noun[dim]}{b.pick(['', '是哪些', '有哪几个'])}"
                            )
                        b.add(
                            f"{code}_{dim}_{order}{n}",
                            user,
                            q,
                            ok(sql, code, ordered=True),
                            "top_n",
                            "spoken_zh",
                            code,
                        )
                        en_dim = "branches" if dim == "branch" else "sub-branches"
                        en_w = "top" if order == "DESC" else "bottom"
                        q = f"{en_w} {n} {en_dim} by {b.pick(m.en)}{b.pick(EN_SUF)}"
                        b.add(
                            f"{code}_{dim}_{order}{n}",
                            user,
                            q,
                            ok(sql, code, ordered=True),
                            "top_n",
                            "english",
                            code,
                        )


# thresholds on groups: (code, dim, op words zh, op, amount zh, value, en)
GROUP_THRESHOLDS = [
    ("deposit_balance", "branch", "超过", ">", "5000万", 50_000_000, "above 50 million"),
    ("deposit_balance", "branch", "不低于", ">=", "0.4亿", 40_000_000, "at least 40 million"),
    ("deposit_balance", "branch", "低于", "<", "4000万", 40_000_000, "below 40 million"),
    ("loan_balance", "branch", "超过", ">", "5000万", 50_000_000, "over 50m"),
    ("loan_balance", "branch", "以上", ">=", "3000万", 30_000_000, "of at least 30 million"),
    ("npl_ratio", "branch", "高于", ">", "1%", 0.01, "above 1%"),
    ("npl_ratio", "branch", "低于", "<", "1.5%", 0.015, "below 1.5%"),
    ("deposit_balance", "subbranch", "超过", ">", "1500万", 15_000_000, "above 15 million"),
    ("loan_balance", "subbranch", "不低于", ">=", "1800万", 18_000_000, "at least 18m"),
    ("npl_ratio", "subbranch", "高于", ">", "1%", 0.01, "over 1%"),
    ("aum_balance", "subbranch", "超过", ">", "2000万", 20_000_000, "more than 20 million"),
]


def group_thresholds(b: Builder) -> None:
    plan = {
        "zhang.wei": ["branch", "subbranch"],
        "chen.jie": ["branch", "subbranch"],
        "li.na": ["subbranch"],
    }
    noun = {"branch": "分行", "subbranch": "支行"}
    for user, dims in plan.items():
        for code, dim, opz, op, amount, value, en in GROUP_THRESHOLDS:
            if dim not in dims:
                continue
            m = METRICS[code]
            sql = grouped_sql(m, user, dim, D, having=f"{op} {value}")
            for form in (
                f"{b.pick(m.zh)}{opz}{amount}的"
                f"{noun[dim]}{b.pick(['', '有哪些', '是哪几个', '有几个？'])}",
                f"哪些{noun[dim]}{b.pick(m.zh)}{opz}{amount}",
                f"{b.pick(PRE[user])}{noun[dim]}里{b.pick(m.zh)}{opz}{amount}的",
            ):
                if form.endswith("有几个？"):
                    continue  # a count of branches is another question
                b.add(
                    f"{code}_{dim}_having",
                    user,
                    form,
                    ok(sql, code),
                    "group_threshold",
                    "threshold",
                    code,
                )
            en_dim = "branches" if dim == "branch" else "sub-branches"
            b.add(
                f"{code}_{dim}_having",
                user,
                f"{en_dim} with {m.en[0]} {en}",
                ok(sql, code),
                "group_threshold",
                "english",
                code,
            )


ATTR_ZH = {
    "mobile": ["手机号", "电话", "手机号码", "联系电话"],
    "id_no": ["身份证号", "证件号", "身份证"],
}
ATTR_EN = {"mobile": "mobile numbers", "id_no": "ID numbers"}
ENTITY_THRESHOLDS = [
    ("deposit_balance", "超过", ">", "100万", 1_000_000, "above 1 million"),
    ("deposit_balance", "不少于", ">=", "50万", 500_000, "of at least 500k"),
    ("deposit_balance", "超过", ">", "1000万", 10_000_000, "over 10m"),
    ("aum_balance", "超过", ">", "300万", 3_000_000, "above 3 million"),
    ("aum_balance", "以上", ">=", "200万", 2_000_000, "of at least 2m"),
    ("loan_balance", "超过", ">", "100万", 1_000_000, "over 1 million"),
    ("loan_balance", "高于", ">", "300万", 3_000_000, "more than 3m"),
]


def entities(b: Builder) -> None:
    """Customer lists: top N with contact attributes, and customers over a threshold."""
    for user in ["liu.yang", "wang.fang", "li.na", "zhang.wei", "chen.jie"]:
        mine = "我名下" if user == "liu.yang" else b.pick(["", PRE[user][1]])
        for code in ("deposit_balance", "aum_balance", "loan_balance"):
            m = METRICS[code]
            for n in (3, 5, 10):
                for attrs in ((), ("mobile",), ("id_no",)):
                    refused = {"status": "refused", "code": "DETAIL_NOT_ALLOWED"}
                    expect = (
                        refused
                        if user == "chen.jie"
                        else ok(
                            entity_sql(m, user, attrs, order="DESC", limit=n), code, ordered=True
                        )
                    )
                    attr_zh = (
                        f"{b.pick(['及其', '和', '带上', '加上'])}{b.pick(ATTR_ZH[attrs[0]])}"
                        if attrs
                        else ""
                    )
                    num = b.pick([str(n), NUM_ZH[n]])
                    q = (
                        f"{mine}{b.pick(m.zh)}{b.pick(['最多', '最高', '前'])}"
                        f"{num}{b.pick(['个客户', '的客户', '名客户', '位客户'])}{attr_zh}"
                    )
                    b.add(
                        f"{code}_top{n}_{'_'.join(attrs) or 'plain'}",
                        user,
                        q,
                        expect,
                        "entity_top",
                        "entity_list",
                        code,
                    )
                    attr_en = f" with their {ATTR_EN[attrs[0]]}" if attrs else ""
                    q = f"top {n} {b.pick(['customers', 'clients'])} by {m.en[0]}{attr_en}"
                    b.add(
                        f"{code}_top{n}_{'_'.join(attrs) or 'plain'}",
                        user,
                        q,
                        expect,
                        "entity_top",
                        "english",
                        code,
                    )
        for code, opz, op, amount, value, en in ENTITY_THRESHOLDS:
            m = METRICS[code]
            expect = (
                {"status": "refused", "code": "DETAIL_NOT_ALLOWED"}
                if user == "chen.jie"
                else ok(entity_sql(m, user, (), having=f"{op} {value}"), code)
            )
            for q in (
                f"哪些客户{b.pick(m.zh)}{opz}{amount}",
                f"{mine}{b.pick(m.zh)}{opz}{amount}"
                f"的客户{b.pick(['', '有哪些', '都有谁', '名单'])}",
                f"customers with {m.en[0]} {en}",
                f"列一下{b.pick(m.zh)}{opz}{amount}的客户",
            ):
                b.add(f"{code}_cust_having", user, q, expect, "entity_threshold", "threshold", code)


def followups(b: Builder) -> None:
    for user in USERS:
        for code in ("deposit_balance", "loan_balance", "npl_ratio", "aum_balance"):
            m = METRICS[code]
            first = f"{b.pick(PRE[user])}{m.zh[0]}"
            turns = (first,)
            sql = metric_sql(m, user, "2026-08-31", "2026-08-31")
            for words in ("那上个月末呢", "上月末呢", "what about last month end", "上个月底的呢"):
                b.add(
                    f"{code}_then_lastmonth",
                    user,
                    words,
                    ok(sql, code),
                    "single",
                    "followup",
                    code,
                    turns,
                )
            sql = compare_sql(m, user, D, "2025-09-30")
            for words in ("同比呢", "和去年同期比呢", "YoY呢"):
                b.add(
                    f"{code}_then_yoy",
                    user,
                    words,
                    ok(sql, code),
                    "compare",
                    "followup",
                    code,
                    turns,
                )
            other = METRICS["loan_balance" if code != "loan_balance" else "deposit_balance"]
            sql = metric_sql(other, user, D, D)
            for words in (f"那{other.zh[1]}呢", f"{other.zh[0]}呢", f"and {other.en[1]}?"):
                b.add(
                    f"{code}_then_{other.code}",
                    user,
                    words,
                    ok(sql, other.code),
                    "single",
                    "followup",
                    other.code,
                    turns,
                )
            dim = {"zhang.wei": "branch", "chen.jie": "branch", "li.na": "subbranch"}.get(user)
            if dim:
                sql = grouped_sql(m, user, dim, D)
                for words in {
                    "branch": ["分行呢", "按分行拆一下", "分行分别是多少"],
                    "subbranch": ["按支行拆开", "各支行呢", "分支行看看"],
                }[dim]:
                    b.add(
                        f"{code}_then_{dim}",
                        user,
                        words,
                        ok(sql, code),
                        "breakdown",
                        "followup",
                        code,
                        turns,
                    )


def refusals(b: Builder) -> None:
    out_of_domain = [
        "今天天气怎么样",
        "茅台股价多少",
        "帮我写个周报",
        "what's the weather in Chengdu",
        "明天会下雨吗",
        "美联储下次加息吗",
        "推荐一只基金",
        "tell me a joke",
        "午饭吃什么好",
        "上证指数今天收盘多少",
        "比特币现在多少钱",
        "帮我订个会议室",
    ]
    for user in USERS:
        for q in out_of_domain:
            b.add(
                "out_of_domain",
                user,
                q,
                {"status": "refused", "code": "NOT_ANSWERABLE"},
                "refusal",
                "out_of_domain",
            )
    outside = {
        "li.na": [
            "上海分行存款余额",
            "全行存款余额",
            "北京分行的不良率",
            "全行贷款多少",
            "杭州分行AUM",
            "deposit balance of Shanghai branch",
        ],
        "wang.fang": [
            "成都锦江支行贷款余额",
            "成都分行存款余额",
            "全行不良率",
            "上海陆家嘴支行存款",
            "锦江支行的AUM",
        ],
        "liu.yang": ["全行存款余额", "成都分行贷款余额", "北京分行不良率", "成都锦江支行存款"],
    }
    for user, qs in outside.items():
        for q in qs:
            b.add(
                "outside_scope",
                user,
                q,
                {"status": "refused", "code": "ACCESS_DENIED"},
                "refusal",
                "out_of_scope",
            )
    writes = ["把客户C00001删掉", "帮我把存款余额改成1亿", "drop table dim_customer"]
    for user in USERS:
        for q in writes:
            b.add("write", user, q, {"status": "refused"}, "refusal", "out_of_scope")
    vague = [
        "最近咋样",
        "业绩怎么样",
        "帮我看看情况",
        "那个数是多少",
        "how are we doing",
        "给我个报表",
        "余额多少",
        "规模多少",
        "数据有问题吗",
    ]
    for user in USERS:
        for q in vague:
            b.add("vague", user, q, {"status": "clarify"}, "clarify", "ambiguous")


def main() -> None:
    b = Builder()
    for part in (
        singles,
        compares,
        growth_ytd,
        multi,
        breakdowns,
        rankings,
        group_thresholds,
        entities,
        followups,
        refusals,
    ):
        part(b)
    header = (
        "# Generated by eval/cases/build_voices.py (issue 18 item 6): questions in the voices\n"
        "# of the five data roles, gold SQL by hand from the 口径 with scope and masks of the\n"
        "# asking role.\n"
        "# The split tag is written by eval/cases/split_voices.py (recorded seed).\n"
    )
    by_user: dict[str, list[dict[str, Any]]] = {}
    for case in b.cases:
        by_user.setdefault(case["user"], []).append(case)
    for user, cases in by_user.items():
        text = yaml.safe_dump(
            {"suite": "voices", "cases": cases}, allow_unicode=True, sort_keys=False, width=100
        )
        (OUT / f"voices_{user.replace('.', '_')}.yaml").write_text(header + text, encoding="utf-8")
    print(len(b.cases), {u: len(c) for u, c in by_user.items()})


if __name__ == "__main__":
    main()
