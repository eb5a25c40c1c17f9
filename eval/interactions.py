"""Answered in at most two interactions: for every clarification the harness gets back, does
one of its choices, run as the user would run it (one click), give the gold answer?

Each clarifying answer is scored once, per case: ``reached`` (a choice's rows equal the gold's
under the run's first preset), ``missed`` (no choice does) or ``no_gold`` (the case has no gold
SQL to run the choices against, as for questions that only expect a clarification). The summary
reports the share beside EX.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from asker.types import Answer, Labelled, MetricQuery

Verdict = str  # "reached" | "missed" | "no_gold"
RunChoice = Callable[[Labelled], Answer | None]
IsGold = Callable[[Answer], bool]


def two_step(answer: Answer, has_gold: bool, run_choice: RunChoice, is_gold: IsGold) -> Verdict:
    """Whether one of ``answer``'s choices reaches the gold answer."""
    if not has_gold:
        return "no_gold"
    for choice in answer.choices:
        followed = run_choice(choice)
        if followed is not None and followed.status == "ok" and is_gold(followed):
            return "reached"
    return "missed"


def runnable(choice: Labelled) -> MetricQuery | str | None:
    """What picking ``choice`` runs: a MetricQuery, or a question to ask; None if neither."""
    value = choice.value
    if isinstance(value, MetricQuery):
        return value
    if isinstance(value, dict) and isinstance(value.get("question"), str):
        return str(value["question"])
    return None


def summarize_two_step(verdicts: Sequence[str]) -> dict[str, Any]:
    """Counts of the clarifications and the share whose choices reach the gold."""
    reached = sum(v == "reached" for v in verdicts)
    judged = sum(v in ("reached", "missed") for v in verdicts)
    return {
        "clarifications": len(verdicts),
        "with_gold": judged,
        "choice_reaches_gold": reached,
        "no_gold": len(verdicts) - judged,
        "share": round(reached / judged, 4) if judged else None,
    }
