"""The run's report: a JSON summary plus Markdown and HTML pages, and a diff against a baseline.

EX is the share of answerable cases (expected ``ok``) whose result equals the gold under a
preset; clarification and refusal correctness are reported apart, and ``accuracy`` counts every
scored case. Policy violations must be 0: any one fails the run.
"""

from __future__ import annotations

import html
import json
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from eval.interactions import summarize_two_step
from eval.outcome import Outcome

TAG_ORDER = (
    "source", "category", "shape", "time", "ambiguity", "outside_dictionary", "followup",
    "permission", "metric", "difficulty", "split", "voice",
)  # fmt: skip


def _share(right: int, total: int) -> float | None:
    return round(right / total, 4) if total else None


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.1f}%"


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (0 for no values)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def summarize(
    outcomes: Sequence[Outcome], presets: Sequence[str], run: dict[str, Any]
) -> dict[str, Any]:
    scored = [o for o in outcomes if o.scored]
    answerable = [o for o in scored if o.expected == "ok"]
    head = presets[0]
    latencies = [o.latency_ms for o in scored if o.got not in ("timeout", "error")]
    return {
        "run": run,
        "cases": len(outcomes),
        "scored": len(scored),
        "skipped": len(outcomes) - len(scored),
        "ex": {p: _share(sum(o.correct[p] for o in answerable), len(answerable)) for p in presets},
        "answerable": len(answerable),
        "ex_within_two": _share(sum(_within_two(o, head) for o in answerable), len(answerable)),
        "accuracy": _share(sum(o.correct[head] for o in scored), len(scored)),
        "by_expectation": _by_expectation(scored, head),
        "two_interactions": summarize_two_step(
            [str(o.extra["two_step"]) for o in scored if "two_step" in o.extra]
        ),
        "per_tag": _per_tag(scored, head),
        "policy_violations": [
            {"id": o.id, "violations": list(o.violations)} for o in outcomes if o.violations
        ],
        "latency_ms": {
            "p50": round(percentile(latencies, 50), 1),
            "p95": round(percentile(latencies, 95), 1),
            "max": round(max(latencies, default=0.0), 1),
        },
        "metric_choice": _metric_choice(answerable),
        "errors": [
            {"id": o.id, "got": o.got, "reason": o.reason}
            for o in scored
            if o.got in ("error", "timeout")
        ],
        "failures": [
            {"id": o.id, "expected": o.expected, "got": o.got, "code": o.code, "reason": o.reason}
            for o in scored
            if not o.correct[head]
        ],
        "outcomes": {o.id: o.correct[head] for o in scored},
    }


def _within_two(outcome: Outcome, head: str) -> bool:
    """Answered in at most two interactions: right at once, or a clarification one of whose
    choices gives the gold answer."""
    return bool(outcome.correct[head]) or outcome.extra.get("two_step") == "reached"


def _by_expectation(scored: Sequence[Outcome], head: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for status in ("ok", "clarify", "refused"):
        group = [o for o in scored if o.expected == status]
        out[status] = {
            "n": len(group),
            "correct": sum(o.correct[head] for o in group),
            "share": _share(sum(o.correct[head] for o in group), len(group)),
        }
    answerable = [o for o in scored if o.expected == "ok"]
    out["wrongly_refused"] = sum(o.got == "refused" for o in answerable)
    out["wrongly_clarified"] = sum(o.got == "clarify" for o in answerable)
    out["answered_instead_of_refused"] = sum(
        o.got == "ok" for o in scored if o.expected == "refused"
    )
    return out


def _per_tag(scored: Sequence[Outcome], head: str) -> dict[str, dict[str, dict[str, Any]]]:
    table: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for o in scored:
        for tag, value in o.tags.items():
            cell = table[tag][value]
            cell[0] += o.correct[head]
            cell[1] += 1
    return {
        tag: {
            v: {"n": n, "correct": r, "share": _share(r, n)} for v, (r, n) in sorted(vals.items())
        }
        for tag, vals in sorted(table.items(), key=lambda kv: _tag_rank(kv[0]))
    }


def _tag_rank(tag: str) -> int:
    return TAG_ORDER.index(tag) if tag in TAG_ORDER else len(TAG_ORDER)


def _metric_choice(answerable: Sequence[Outcome]) -> dict[str, Any]:
    """Whether the answer used the gold's metrics, and the most common confusions (answers that
    name no metric, such as oracle mode's SQL answers, are not judged)."""
    judged = [o for o in answerable if o.metrics_gold and o.metrics_got and o.got == "ok"]
    same = sum(tuple(o.metrics_got) == tuple(o.metrics_gold) for o in judged)
    confusions = Counter(
        (",".join(o.metrics_gold), ",".join(o.metrics_got) or "-")
        for o in judged
        if tuple(o.metrics_got) != tuple(o.metrics_gold)
    )
    return {
        "judged": len(judged),
        "same_metrics": same,
        "share": _share(same, len(judged)),
        "confusions": [
            {"gold": g, "chosen": c, "n": n} for (g, c), n in confusions.most_common(20)
        ],
    }


def baseline_diff(summary: dict[str, Any], baseline: dict[str, Any]) -> dict[str, Any]:
    """EX change per preset and the cases that flipped, against a saved summary JSON."""
    now, before = summary["outcomes"], baseline.get("outcomes", {})
    return {
        "ex_delta": {
            p: None
            if summary["ex"].get(p) is None or baseline.get("ex", {}).get(p) is None
            else round(summary["ex"][p] - baseline["ex"][p], 4)
            for p in summary["ex"]
        },
        "newly_failing": sorted(k for k, v in now.items() if not v and before.get(k) is True),
        "newly_passing": sorted(k for k, v in now.items() if v and before.get(k) is False),
        "new_cases": sorted(set(now) - set(before)),
        "dropped_cases": sorted(set(before) - set(now)),
    }


# --- rendering -----------------------------------------------------------------------------


def markdown(summary: dict[str, Any]) -> str:
    run = summary["run"]
    lines = [
        f"# 评测报告 evaluation report · {run.get('suite') or run.get('dataset')} · {run['mode']}",
        "",
        f"cases {summary['cases']} · scored {summary['scored']} · skipped {summary['skipped']} · "
        f"answerable {summary['answerable']} · accuracy (all scored, {run['presets'][0]}) "
        f"{_pct(summary['accuracy'])}",
        "",
        "| preset | EX |",
        "|---|---|",
        *[f"| {p} | {_pct(v)} |" for p, v in summary["ex"].items()],
        "",
        f"answered in ≤ 2 interactions ({run['presets'][0]}): "
        f"{_pct(summary.get('ex_within_two'))} of the answerable cases (right at once, or a "
        "clarification whose choice gives the gold)",
        "",
        "| expected | n | correct | share |",
        "|---|---|---|---|",
    ]
    for status in ("ok", "clarify", "refused"):
        e = summary["by_expectation"][status]
        lines.append(f"| {status} | {e['n']} | {e['correct']} | {_pct(e['share'])} |")
    be = summary["by_expectation"]
    lat = summary["latency_ms"]
    mc = summary["metric_choice"]
    lines += [
        "",
        f"wrongly refused {be['wrongly_refused']} · wrongly clarified {be['wrongly_clarified']} · "
        f"answered instead of refused {be['answered_instead_of_refused']}",
        "",
        _two_step_line(summary),
        "",
        f"**policy violations: {len(summary['policy_violations'])}** (must be 0)",
        "",
        f"latency p50 {lat['p50']} ms · p95 {lat['p95']} ms · max {lat['max']} ms",
        "",
        f"metric chosen = gold's: {mc['same_metrics']}/{mc['judged']} ({_pct(mc['share'])})",
        "",
        "## per tag",
        "",
        "| tag | value | n | correct | share |",
        "|---|---|---|---|---|",
    ]
    for tag, values in summary["per_tag"].items():
        lines += [
            f"| {tag} | {v} | {c['n']} | {c['correct']} | {_pct(c['share'])} |"
            for v, c in values.items()
        ]
    lines += _md_list("policy violations", summary["policy_violations"])
    lines += _md_list("failures", summary["failures"])
    if "baseline" in summary:
        lines += ["", "## against the baseline", "", "```", json.dumps(
            summary["baseline"], ensure_ascii=False, indent=1), "```"]  # fmt: skip
    return "\n".join(lines) + "\n"


def _two_step_line(summary: dict[str, Any]) -> str:
    """The ≤ 2 interactions measure, beside EX (older summaries lack it)."""
    two = summary.get("two_interactions") or summarize_two_step([])
    return (
        f"≤ 2 interactions: {two['choice_reaches_gold']}/{two['with_gold']} clarifications "
        f"offer a choice that gives the gold answer ({_pct(two['share'])}); "
        f"{two['no_gold']} of {two['clarifications']} have no gold to run"
    )


def _md_list(title: str, items: Sequence[dict[str, Any]]) -> list[str]:
    if not items:
        return []
    return ["", f"## {title}", "", *[f"- `{json.dumps(i, ensure_ascii=False)}`" for i in items]]


def html_page(markdown_text: str) -> str:
    """The Markdown report as a self-contained page (pre-formatted; no external assets)."""
    return (
        "<!doctype html><html lang='zh'><meta charset='utf-8'><title>asker eval</title>"
        "<style>body{font-family:sans-serif;max-width:70em;margin:2em auto}"
        "pre{white-space:pre-wrap}</style><body><pre>"
        + html.escape(markdown_text)
        + "</pre></body></html>\n"
    )


def write_report(
    out_dir: Path,
    outcomes: Sequence[Outcome],
    presets: Sequence[str],
    run: dict[str, Any],
    baseline: Path | None = None,
) -> dict[str, Any]:
    """Write summary.json, report.md and report.html into ``out_dir``; return the summary."""
    summary = summarize(outcomes, presets, run)
    if baseline is not None:
        summary["baseline"] = baseline_diff(
            summary, json.loads(baseline.read_text(encoding="utf-8"))
        )
    (out_dir / "summary.json").write_text(
        json.dumps(summary, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    text = markdown(summary)
    (out_dir / "report.md").write_text(text, encoding="utf-8")
    (out_dir / "report.html").write_text(html_page(text), encoding="utf-8")
    return summary
