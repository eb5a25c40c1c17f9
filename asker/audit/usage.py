"""Usage statistics, counted from the audit log so they equal it: questions per day, per 分行 and
per role; answered, clarified, refused and failed shares; the most asked metrics; unanswered
questions; latency p50/p95; and tokens used (from the ``llm_usage`` table when it exists).

>>> percentile([5.0, 1.0, 3.0, 2.0, 4.0], 50), percentile([5.0, 1.0, 3.0, 2.0, 4.0], 95)
(3.0, 5.0)
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from asker.audit.table import AuditEntry
from asker.clock import BANK_TIME

OUTCOMES = ("ok", "clarify", "refused", "error")  # answered, clarified, refused, failed
QUESTION_ACTIONS = ("ask",)


@dataclass(frozen=True)
class UsageReport:
    questions: int
    per_day: tuple[tuple[str, int], ...]
    per_branch: tuple[tuple[str, int], ...]
    per_role: tuple[tuple[str, int], ...]
    outcomes: tuple[tuple[str, int], ...]  # every decision in OUTCOMES, in that order
    top_metrics: tuple[tuple[str, int], ...]
    unanswered: tuple[tuple[str, str, int], ...]  # question, code, times asked
    latency_p50_ms: float
    latency_p95_ms: float
    tokens: int

    def share(self, outcome: str) -> float:
        count = dict(self.outcomes).get(outcome, 0)
        return count / self.questions if self.questions else 0.0


def percentile(values: Iterable[float], pct: float) -> float:
    """Nearest-rank percentile (0 for no values)."""
    ordered = sorted(values)
    if not ordered:
        return 0.0
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


def usage_report(
    entries: Iterable[AuditEntry],
    branch_of: Callable[[str], str],
    *,
    tokens: int = 0,
    top: int = 10,
) -> UsageReport:
    """Count the question records among ``entries``; ``branch_of`` names an org's 分行."""
    asked = [e for e in entries if e.record.get("action") in QUESTION_ACTIONS]
    days = Counter(e.created_at.astimezone(BANK_TIME).date().isoformat() for e in asked)
    branches = Counter(branch_of(str(e.record.get("org_id") or "")) for e in asked)
    roles = Counter(str(e.record.get("role") or "-") for e in asked)
    decisions = Counter(str(e.record.get("decision")) for e in asked)
    metrics = Counter(m for e in asked for m in _metrics(e.record.get("plan")))
    missed = Counter(
        (str(e.record.get("question") or ""), ",".join(e.record.get("codes") or ()))
        for e in asked
        if e.record.get("decision") in ("refused", "error")
    )
    elapsed = [float(e.record.get("elapsed_ms") or 0.0) for e in asked]
    return UsageReport(
        questions=len(asked),
        per_day=tuple(sorted(days.items())),
        per_branch=tuple(branches.most_common()),
        per_role=tuple(roles.most_common()),
        outcomes=tuple((o, decisions.get(o, 0)) for o in OUTCOMES),
        top_metrics=tuple(metrics.most_common(top)),
        unanswered=tuple((q, c, n) for (q, c), n in missed.most_common(50)),
        latency_p50_ms=percentile(elapsed, 50),
        latency_p95_ms=percentile(elapsed, 95),
        tokens=tokens,
    )


def _metrics(plan: object) -> tuple[str, ...]:
    if isinstance(plan, dict) and isinstance(plan.get("metrics"), list):
        return tuple(str(m) for m in plan["metrics"])
    return ()
