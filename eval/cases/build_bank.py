"""Write the generated part of the bank gold set from asker's two hand-written oracles.

    .venv/bin/python eval/cases/build_bank.py       # rewrites eval/cases/bank_{tuned,...}.yaml

Sources (both written by hand from ARCHITECTURE §4-§5, independently of the code they check):
``tests/understand/cases`` (question -> expected MetricQuery) and ``tests/semantic/gold``
(MetricQuery -> gold SQL). Joining them gives question -> gold SQL without the compiler.
Gold queries no question names get a question written from fixed templates (tag source
``templated``); the template set was fixed before scoring and is kept whole, hits and misses.
Permission cases (``bank_permissions.yaml``) are written by hand, not here.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import sqlglot
import yaml
from sqlglot import exp

from asker.semantic.validate import load_seed_dictionary

ROOT = Path(__file__).resolve().parents[2]
OUT = Path(__file__).resolve().parent
UNDERSTAND = ROOT / "tests" / "understand" / "cases"
GOLD = ROOT / "tests" / "semantic" / "gold"
DICTIONARY = load_seed_dictionary()
ORG_NAMES = {
    "B01": "上海分行", "B02": "北京分行", "B03": "广州分行", "B04": "深圳分行", "B05": "成都分行",
    "B06": "重庆分行", "B07": "杭州分行", "B08": "南京分行", "B09": "武汉分行", "B10": "西安分行",
    "B05S01": "成都高新支行", "B05S02": "成都锦江支行", "B01S01": "上海陆家嘴支行",
}  # fmt: skip
ORG_EN = {"B01": "Shanghai branch", "B05": "Chengdu branch", "B06": "Chongqing branch"}
DIM_ZH = {
    "branch": "各分行", "subbranch": "各支行", "city": "各城市", "product_type": "按产品类型的",
    "cust_type": "按客户类型的", "segment": "按客群的", "industry": "按行业的", "channel": "各渠道",
    "five_class": "按五级分类的", "guarantee_type": "按担保方式的", "manager": "各客户经理",
}  # fmt: skip
DIM_EN = {
    "branch": "branch", "subbranch": "sub-branch", "city": "city", "product_type": "product type",
    "cust_type": "customer type", "segment": "segment", "industry": "industry",
    "channel": "channel", "five_class": "five-tier class", "guarantee_type": "guarantee type",
    "manager": "client manager",
}  # fmt: skip
RANK_NOUN = {"branch": "分行", "subbranch": "支行", "city": "城市", "channel": "渠道",
             "product_type": "产品", "manager": "客户经理"}  # fmt: skip
GRAIN_ZH = {"day": "每天的", "month": "每月的", "quarter": "每季度的", "year": "每年的"}
GRAIN_EN = {"day": "daily", "month": "monthly", "quarter": "quarterly", "year": "yearly"}
COMPARE_ZH = {"yoy": "同比", "mom": "环比", "ytd": "较年初"}
COMPARE_EN = {"yoy": "year on year", "mom": "month on month", "ytd": "vs start of year"}
EN_EVERY = 2  # every second templated question is written in English (where it can be)


def _d(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def _month_end(d: dt.date) -> bool:
    return (d + dt.timedelta(days=1)).day == 1


def time_kind(period: dict[str, Any] | None) -> str:  # noqa: PLR0911 - one per kind
    if not period:
        return "default"
    s, e = _d(period["start"]), _d(period["end"])
    if s == e:
        return "point"
    if s.day == 1 and _month_end(e):
        months = (e.year - s.year) * 12 + e.month - s.month + 1
        if months == 1:
            return "month"
        if months == 3 and s.month % 3 == 1:
            return "quarter"
        if s.month == 1 and s.year == e.year:
            return "year" if months == 12 else "ytd" if e == dt.date(2026, 9, 30) else "range"
        return "range"
    return "days"


def shape(q: dict[str, Any]) -> str:
    if len(q["metrics"]) > 1:
        return "multi_metric"
    if q.get("limit"):
        return "top_n"
    if q.get("compare"):
        return "compare"
    if q.get("grain"):
        return "trend"
    if q.get("dimensions"):
        return "breakdown"
    return "filtered" if q.get("filters") else "single"


def _filters_list(raw: Any) -> list[tuple[str, tuple[str, ...]]]:
    if isinstance(raw, dict):
        return sorted((k, tuple(str(x) for x in v)) for k, v in raw.items())
    return sorted(
        (f["dimension"], tuple(str(x) for x in f["values"]))
        for f in raw or []
        if not f.get("exclude")
    )


def key(q: dict[str, Any]) -> str:
    p = q.get("period")
    return json.dumps(
        {
            "metrics": q["metrics"],
            "dimensions": sorted(q.get("dimensions") or []),
            "filters": _filters_list(q.get("filters")),
            "period": [str(p["start"]), str(p["end"])] if p else None,
            **{k: q.get(k) for k in ("grain", "compare", "order", "limit")},
        },
        sort_keys=True,
    )


def tags(q: dict[str, Any], source: str, **extra: Any) -> dict[str, Any]:
    first = q["metrics"][0]
    return {
        "metric": first,
        "category": DICTIONARY.metric(first).category,
        "shape": shape(q),
        "time": time_kind(q.get("period")),
        "source": source,
        **extra,
    }


def _language(text: str) -> str:
    return "zh" if any("\u4e00" <= ch <= "\u9fff" for ch in text) else "en"


def gold_cases() -> list[dict[str, Any]]:
    found = []
    for path in sorted(GOLD.glob("*.yaml")):
        found += yaml.safe_load(path.read_text(encoding="utf-8"))["cases"]
    return found


SERIES = re.compile(
    r"generate_series\((DATE '[\d-]+'), (DATE '[\d-]+'), INTERVAL (\d+) MONTH\) AS g\(d\)"
)


def gate_dialect(sql: str) -> str | None:
    """The gold query in the gate's allow-listed SQL, or None when it already is.

    The gate refuses ``VALUES`` lists and table functions such as ``generate_series`` by design
    (allow-list, fail closed); a model writing for asker gets them refused and rewrites them.
    This is that rewrite, mechanical and meaning-preserving: VALUES rows become UNION ALL
    SELECTs, a series of month starts becomes the month-start rows of dim_date. Oracle mode sends
    it through the gate (``model_sql``) and holds the result to the original gold run ungated.
    """
    if "VALUES" not in sql and "generate_series" not in sql:
        return None

    def month_starts(m: re.Match[str]) -> str:
        start, end, step = m.group(1), m.group(2), int(m.group(3))
        return (
            f"(SELECT biz_date AS d FROM dim_date WHERE day = 1 AND biz_date BETWEEN {start} "
            f"AND {end} AND (month - MONTH({start})) % {step} = 0) AS g"
        )

    tree = sqlglot.parse_one(SERIES.sub(month_starts, sql), dialect="duckdb")
    for cte in list(tree.find_all(exp.CTE)):
        values = cte.this.find(exp.Values)
        if values is None:
            continue
        names = [c.name for c in cte.args["alias"].columns]
        rows = [
            exp.select(
                *[exp.alias_(v.copy(), n) for v, n in zip(row.expressions, names, strict=True)]
            )
            for row in values.expressions
        ]
        union: exp.Query = rows[0]
        for row in rows[1:]:
            union = exp.union(union, row, distinct=False)
        cte.set("this", union)
        cte.set("alias", exp.TableAlias(this=exp.to_identifier(cte.alias)))
    return tree.sql(dialect="duckdb", pretty=True) + "\n"


def answer_case(
    cid: str, question: str, gold: dict[str, Any], source: str, **extra: Any
) -> dict[str, Any]:
    q = gold["query"]
    return {
        "id": cid,
        "question": question,
        "language": _language(question),
        "expect": {
            "status": "ok",
            "sql": gold["sql"].strip() + "\n",
            **({"model_sql": model} if (model := gate_dialect(gold["sql"])) else {}),
            "metrics": q["metrics"],
        },
        "tags": tags(q, source, gold_id=gold["id"], **extra),
    }


def other_case(cid: str, question: str, expect: dict[str, Any], source: str) -> dict[str, Any]:
    status = expect["status"]
    out: dict[str, Any] = {"status": status}
    if status == "refused":
        out["code"] = expect.get("code")
    if expect.get("choices_include"):
        out["choices"] = expect["choices_include"]
    return {
        "id": cid,
        "question": question,
        "language": _language(question),
        "expect": out,
        "tags": {
            "shape": "clarify" if status == "clarify" else "refusal",
            "ambiguity": status == "clarify",
            "outside_dictionary": status == "refused",
            "source": source,
        },
    }


def joined(name: str, by_key: dict[str, dict[str, Any]], used: set[str]) -> list[dict[str, Any]]:
    cases = []
    raw = yaml.safe_load((UNDERSTAND / f"{name}.yaml").read_text(encoding="utf-8"))
    for i, item in enumerate(raw, 1):
        expect = item["expect"]
        cid = f"{name}/{i:03d}"
        if expect.get("status", "ok") != "ok":
            cases.append(other_case(cid, item["q"], expect, name))
            continue
        gold = by_key.get(key(expect))
        if gold is None:
            continue
        used.add(gold["id"])
        ambiguous = bool(expect.get("choices_include"))
        case = answer_case(cid, item["q"], gold, name, ambiguity=ambiguous)
        if ambiguous:
            case["expect"]["choices"] = expect["choices_include"]
        cases.append(case)
    return cases


# --- templated questions for gold queries no question names ----------------------------------


def period_zh(p: dict[str, Any] | None) -> str:  # noqa: PLR0911 - one per kind
    if not p:
        return ""
    s, e = _d(p["start"]), _d(p["end"])
    kind = time_kind(p)
    if kind == "point":
        return f"{e.year}年{e.month}月末" if _month_end(e) else f"{e.year}年{e.month}月{e.day}日"
    if kind == "month":
        return f"{s.year}年{s.month}月"
    if kind == "quarter":
        return f"{s.year}年第{(s.month - 1) // 3 + 1}季度"
    if kind == "year":
        return f"{s.year}年"
    if kind == "ytd":
        return "今年以来"
    if kind == "days":
        return f"{s.year}年{s.month}月{s.day}日至{e.year}年{e.month}月{e.day}日"
    return f"{s.year}年{s.month}月至{e.year}年{e.month}月"


def period_en(p: dict[str, Any] | None) -> str:  # noqa: PLR0911 - one per kind
    if not p:
        return ""
    s, e = _d(p["start"]), _d(p["end"])
    kind = time_kind(p)
    if kind == "point":
        return f"on {e.isoformat()}"
    if kind == "month":
        return f"in {s.strftime('%B')} {s.year}"
    if kind == "quarter":
        return f"in {s.year} Q{(s.month - 1) // 3 + 1}"
    if kind == "year":
        return f"in {s.year}"
    if kind == "ytd":
        return "this year"
    if kind == "days":
        return f"from {s.isoformat()} to {e.isoformat()}"
    return f"from {s.strftime('%B')} {s.year} to {e.strftime('%B')} {e.year}"


def filters_zh(q: dict[str, Any]) -> str:
    words = []
    for dim, values in _filters_list(q.get("filters")):
        names = [ORG_NAMES.get(v, v) for v in values]
        words.append("和".join(names))
        del dim
    return "".join(words)


def question_zh(q: dict[str, Any]) -> str:
    names = [DICTIONARY.metric(m).name for m in q["metrics"]]
    metric = "和".join(["、".join(names[:-1]), names[-1]] if len(names) > 2 else names)
    dims = q.get("dimensions") or []
    head = period_zh(q.get("period")) + filters_zh(q)
    if q.get("limit"):
        noun = RANK_NOUN.get(dims[0], dims[0]) if dims else "分行"
        word = "最高" if q.get("order") == "desc" else "最低"
        return f"{head}{metric}{word}的{q['limit']}个{noun}"
    grain = GRAIN_ZH.get(q.get("grain") or "", "")
    dim_words = "".join(DIM_ZH[d] for d in dims)
    compare = COMPARE_ZH.get(q.get("compare") or "", "")
    return f"{head}{grain}{dim_words}{metric}{compare}"


def question_en(q: dict[str, Any]) -> str | None:
    filters = _filters_list(q.get("filters"))
    if any(v not in ORG_EN for _, vs in filters for v in vs):
        return None
    names = [DICTIONARY.metric(m).name_en for m in q["metrics"]]
    metric = " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 2 else names)
    dims = q.get("dimensions") or []
    parts = [GRAIN_EN[q["grain"]]] if q.get("grain") else []
    if q.get("limit"):
        word = "top" if q.get("order") == "desc" else "bottom"
        noun = DIM_EN[dims[0]] if dims else "branch"
        parts = [
            f"{word} {q['limit']} {noun}es"
            if noun.endswith("ch")
            else f"{word} {q['limit']} {noun}s by"
        ]
        parts.append(metric)
    else:
        parts.append(metric)
        if dims:
            parts.append("by " + " and ".join(DIM_EN[d] for d in dims))
    parts += [f"in {ORG_EN[v]}" for _, vs in filters for v in vs]
    if q.get("compare"):
        parts.append(COMPARE_EN[q["compare"]])
    if q.get("period"):
        parts.append(period_en(q["period"]))
    return " ".join(parts)


def templated(golds: list[dict[str, Any]], used: set[str]) -> list[dict[str, Any]]:
    cases = []
    for n, gold in enumerate(g for g in golds if g["id"] not in used):
        q = gold["query"]
        english = question_en(q) if n % EN_EVERY == 1 else None
        text = english or question_zh(q)
        cases.append(answer_case(f"templated/{gold['id']}", text, gold, "templated"))
    return cases


# --- multi-turn: a follow-up that changes one thing of an earlier question -------------------


def _without(q: dict[str, Any], field: str) -> dict[str, Any]:
    return {k: v for k, v in q.items() if k != field}


def followup(q: dict[str, Any]) -> tuple[dict[str, Any], str] | None:
    """(the first question's query, the follow-up's words) when a follow-up can reach ``q``."""
    if q.get("compare") == "yoy" and not q.get("limit"):
        return _without(q, "compare"), "和去年比呢"
    if q.get("compare") == "mom" and not q.get("limit"):
        return _without(q, "compare"), "环比呢"
    if q.get("dimensions") == ["subbranch"] and not q.get("limit"):
        return {**q, "dimensions": ["branch"]}, "按支行拆开"
    if q.get("grain") == "month" and not q.get("compare"):
        return _without(q, "grain"), "按月看"
    return None


def conversations(golds: list[dict[str, Any]]) -> list[dict[str, Any]]:
    cases = []
    for gold in golds:
        q = gold["query"]
        made = followup(q) if len(q["metrics"]) == 1 else None
        if made is None or _filters_list(q.get("filters")):
            continue
        first, words = made
        case = answer_case(f"followup/{gold['id']}", words, gold, "templated", followup=True)
        case["turns"] = [question_zh(first)]
        cases.append(case)
    return cases


def write(name: str, cases: list[dict[str, Any]]) -> None:
    text = yaml.safe_dump(
        {"suite": "bank", "cases": cases}, allow_unicode=True, sort_keys=False, width=100
    )
    header = (
        "# Generated by eval/cases/build_bank.py from tests/understand/cases and "
        "tests/semantic/gold.\n"
    )
    (OUT / f"bank_{name}.yaml").write_text(header + text, encoding="utf-8")


def main() -> None:
    golds = gold_cases()
    by_key: dict[str, dict[str, Any]] = {}
    for g in golds:
        by_key.setdefault(key(g["query"]), g)
    used: set[str] = set()
    write("tuned", joined("tuned", by_key, used))
    write("held_out", joined("held_out", by_key, used))
    write("templated", templated(golds, used))
    write("followups", conversations(golds))


if __name__ == "__main__":
    main()
