"""``asker bench``: build time and size of each scale, and raw query latency on ``small``.

Speed is measured here, never asserted in tests. Figures are printed and, with ``--output``,
written as JSON so a change can be compared with the last run.
"""

from __future__ import annotations

import platform
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlglot

from asker import api
from asker.config import Settings
from asker.gate import gate
from asker.retrieval.evaluation import SETS, evaluate
from asker.retrieval.index import INDEX_DIR
from asker.warehouse.url import warehouse_url_of

Say = Callable[[str], None]

# Typical raw queries a dashboard or an analyst would run (ungated: raw engine latency).
TYPICAL_QUERIES: dict[str, str] = {
    "deposit_balance_by_branch": """
        SELECT b.org_name, SUM(f.balance) AS deposit_balance
        FROM fact_deposit_balance_daily f
        JOIN dim_org s ON s.org_id = f.org_id JOIN dim_org b ON b.org_id = s.branch_id
        WHERE f.biz_date = DATE '2026-09-30' GROUP BY b.org_name ORDER BY 2 DESC""",
    "deposit_avg_daily_q3": """
        SELECT SUM(balance) / 92 AS avg_daily FROM fact_deposit_balance_daily
        WHERE biz_date BETWEEN DATE '2026-07-01' AND DATE '2026-09-30'""",
    "npl_ratio_by_branch": """
        SELECT s.branch_id,
               SUM(CASE WHEN five_class IN ('次级','可疑','损失') THEN balance END) / SUM(balance)
        FROM fact_loan_balance_monthly f JOIN dim_org s ON s.org_id = f.org_id
        WHERE month_end = DATE '2026-09-30' GROUP BY s.branch_id""",
    "txn_by_channel_last_month": """
        SELECT channel, COUNT(*), SUM(amount) FROM fact_transaction
        WHERE biz_date BETWEEN DATE '2026-08-01' AND DATE '2026-08-31' GROUP BY channel""",
    "deposit_trend_monthly": """
        SELECT biz_date, SUM(balance) FROM fact_deposit_balance_daily f
        JOIN dim_date d USING (biz_date) WHERE d.is_month_end GROUP BY biz_date ORDER BY 1""",
}


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


def _dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def time_build(scale: str, root: Path, settings: Settings, say: Say) -> dict[str, Any]:
    data_dir = root / scale
    started = time.perf_counter()
    manifest = api.init(
        settings.model_copy(update={"data_dir": data_dir}), scale=scale, seed=settings.seed
    )
    seconds = time.perf_counter() - started
    size = _dir_size(data_dir)
    rows = sum(manifest.row_counts.values())
    say(f"build {scale:>5}: {seconds:7.1f} s  {size / 2**20:8.1f} MiB  {rows:>12,} rows")
    return {
        "scale": scale,
        "seconds": round(seconds, 2),
        "bytes": size,
        "rows": rows,
        "row_counts": manifest.row_counts,
    }


def time_queries(rt: api.Runtime, repeat: int, say: Say) -> dict[str, Any]:
    executor, settings = rt.executor, rt.settings
    report: dict[str, Any] = {}
    for name, sql in TYPICAL_QUERIES.items():
        tree = sqlglot.parse_one(sql, dialect=executor.dialect)
        executor.execute(tree, row_cap=settings.row_cap, timeout_s=60)  # warm the cache
        runs = []
        for _ in range(repeat):
            result = executor.execute(tree, row_cap=settings.row_cap, timeout_s=60)
            runs.append(result.elapsed_ms)
        report[name] = {
            "p50_ms": round(statistics.median(runs), 2),
            "p95_ms": round(percentile(runs, 95), 2),
            "runs": repeat,
        }
        say(
            f"query {name:<28} p50 {report[name]['p50_ms']:8.2f} ms  "
            f"p95 {report[name]['p95_ms']:8.2f} ms"
        )
    return report


# Dictionary questions (deterministic path) for in-process question → answer latency.
QUESTIONS = (
    "上个月各分行的存款余额",
    "本季度不良贷款率",
    "成都分行今年以来每月新增客户数",
    "存款余额前5的支行",
    "NPL ratio by branch last quarter",
    "各渠道交易笔数",
    "贷款余额同比",
    "近三个月存款日均",
    "对公存款较年初增长",
    "授信通过率按分行",
)


def time_questions(rt: api.Runtime, repeat: int, say: Say) -> dict[str, Any]:
    """p50/p95 of api.ask per step (CLI start-up excluded), after one warm-up round."""
    who = api.local_user(rt, None)
    for question in QUESTIONS:
        api.ask(rt, who, question)
    steps: dict[str, list[float]] = {}
    totals: list[float] = []
    for _ in range(max(1, repeat // 3)):
        for question in QUESTIONS:
            answer = api.ask(rt, who, question)
            totals.append(answer.elapsed_ms)
            for step, ms in answer.timings_ms:
                steps.setdefault(step, []).append(ms)
    report = {"total": _stats(totals)} | {step: _stats(v) for step, v in steps.items()}
    for name, stats in report.items():
        say(f"ask {name:<16} p50 {stats['p50_ms']:8.2f} ms  p95 {stats['p95_ms']:8.2f} ms")
    return report


def time_gate(rt: api.Runtime, repeat: int, say: Say) -> dict[str, Any]:
    """The gate's own time on the typical raw queries, for an unscoped and a scoped role."""
    svc = rt.services()
    report: dict[str, Any] = {}
    for user in ("zhang.wei", "li.na"):
        who = api.local_user(rt, user)
        runs = []
        for sql in TYPICAL_QUERIES.values():
            for _ in range(repeat):
                started = time.perf_counter()
                gate(sql, who, policy=svc.policy, catalog=svc.compiler.catalog, orgs=svc.orgs)
                runs.append((time.perf_counter() - started) * 1000)
        report[user] = _stats(runs)
        p50, p95 = report[user]["p50_ms"], report[user]["p95_ms"]
        say(f"gate {user:<12} p50 {p50:8.2f} ms  p95 {p95:8.2f} ms")
    return report


def time_retrieval(data_dir: Path, settings: Settings, say: Say) -> dict[str, Any]:
    """Index build from nothing, then search latency and recall@5 / MRR on the labelled sets."""
    rt = api.open_runtime(settings.model_copy(update={"data_dir": data_dir}))
    try:
        return _retrieval(rt, data_dir.name, say)
    finally:
        rt.close()


def _retrieval(rt: api.Runtime, scale: str, say: Say) -> dict[str, Any]:
    shutil.rmtree(rt.settings.data_dir / INDEX_DIR, ignore_errors=True)
    started = time.perf_counter()
    built = api.rebuild_index(rt)
    seconds = time.perf_counter() - started
    say(f"index {scale:>5}: {seconds:7.2f} s  {built.added} documents")
    retriever = rt.retriever()
    report: dict[str, Any] = {"scale": scale, "build_s": round(seconds, 2), "docs": built.added}
    for name in SETS:
        score = evaluate(retriever, name)
        report[name] = {
            "cases": score.cases,
            "recall_at_5": round(score.recall_at_k, 3),
            "mrr": round(score.mrr, 3),
            "paraphrase_recall_at_5": round(score.paraphrase_recall_at_k, 3),
            "search_p50_ms": round(score.search_p50_ms, 2),
        }
        say(
            f"retrieval {scale:>5} {name:<8} recall@5 {score.recall_at_k:.3f}  MRR {score.mrr:.3f}"
            f"  paraphrases {score.paraphrase_recall_at_k:.3f}  search p50 "
            f"{score.search_p50_ms:.1f} ms ({score.cases} questions)"
        )
    return report


def _stats(values: list[float]) -> dict[str, float]:
    return {
        "p50_ms": round(statistics.median(values), 2),
        "p95_ms": round(percentile(values, 95), 2),
        "runs": len(values),
    }


# The LLM path with a local fake model: prompt sizes per role and the chain's own overhead
# (retrieval of context, prompt rendering, token counting, parsing, gate; no model latency).
UNLIMITED = 10**9
LLM_QUESTION = "每个分行有多少名员工"
LLM_REPLIES = (
    '{"action": "needs_sql"}',
    "```sql\nSELECT o.branch_id, COUNT(*) AS n FROM dim_employee e "
    "JOIN dim_org o ON o.org_id = e.org_id GROUP BY o.branch_id\n```",
)
LLM_STEPS = ("prepare_llm", "rewrite_followup", "retrieve", "plan_with_llm", "repair_loop")


def time_llm_chain(rt: api.Runtime, repeat: int, say: Say) -> dict[str, Any]:
    """Prompt tokens per role and p50/p95 of the LLM steps with a fake chat model."""
    from dataclasses import replace

    from langchain_core.language_models.fake_chat_models import FakeListChatModel

    from asker import pipeline

    base = rt.services()
    report: dict[str, Any] = {}
    for user in ("zhang.wei", "li.na", "wang.fang", "liu.yang", "chen.jie"):
        runs: list[float] = []
        tokens = 0
        who = api.local_user(rt, user)
        for _ in range(repeat):
            fake = FakeListChatModel(responses=list(LLM_REPLIES))
            svc = replace(base, chat_model=fake)
            asked = pipeline.Turn(question=LLM_QUESTION, user_id=user, principal=who)
            turn = pipeline.run(pipeline.ASK_STEPS, asked, svc)
            runs.append(sum(turn.timings.get(step, 0.0) for step in LLM_STEPS))
            tokens = turn.llm.prompt_tokens if turn.llm else 0
        report[user] = {"prompt_tokens": tokens, **_stats(runs)}
        p50, p95 = report[user]["p50_ms"], report[user]["p95_ms"]
        say(f"llm chain {user:<10} {tokens:6d} prompt tokens  p50 {p50:8.2f} ms  p95 {p95:8.2f} ms")
    return report


def run(settings: Settings, *, scales: list[str], repeat: int, say: Say) -> dict[str, Any]:
    """Time each scale's build (in a temporary folder), then raw queries on ``small``."""
    report: dict[str, Any] = {
        "machine": {
            "python": platform.python_version(),
            "cpus": _cpus(),
            "platform": platform.platform(),
        }
    }
    root = Path(tempfile.mkdtemp(prefix="asker-bench-"))
    try:
        report["builds"] = [time_build(scale, root, settings, say) for scale in scales]
        report["retrieval"] = [time_retrieval(root / scale, settings, say) for scale in scales]
        data_dir = root / "small" if (root / "small").exists() else settings.data_dir
        small = unthrottled(settings.model_copy(update={"data_dir": data_dir}))
        if not small.warehouse_file.exists():
            say("no small warehouse: skipping latency (run `asker init` first)")
            return report
        rt = api.open_runtime(small)
        try:
            report |= time_latency(rt, repeat, say)
        finally:
            rt.close()
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return report


def time_latency(rt: api.Runtime, repeat: int, say: Say) -> dict[str, Any]:
    """Raw queries, the gate, question → answer and the LLM chain on one runtime."""
    engine = warehouse_url_of(rt.settings)
    report: dict[str, Any] = {"engine": engine.engine, "warehouse": engine.shown}
    say(f"raw query latency on {engine.shown} ({repeat} runs each):")
    report["queries"] = time_queries(rt, repeat, say)
    say("gate overhead on the same raw queries (hand-written SQL):")
    report["gate"] = time_gate(rt, repeat, say)
    say("question → answer latency in-process (deterministic path):")
    report["questions"] = time_questions(rt, repeat, say)
    say("LLM path with a fake model (prompt tokens per role, chain overhead):")
    report["llm_chain"] = time_llm_chain(rt, max(3, repeat // 3), say)
    return report


def unthrottled(settings: Settings) -> Settings:
    """The benchmark asks hundreds of questions as one user: rate limits would time refusals."""
    return settings.model_copy(
        update={"rate_limit_per_minute": UNLIMITED, "daily_question_quota": UNLIMITED}
    )


def _cpus() -> int:
    import os

    return os.cpu_count() or 1
