"""The ≤ 2 interactions measure: a clarification's choices run against the gold."""

from __future__ import annotations

from asker.types import Answer, Labelled, MetricQuery
from eval.interactions import runnable, summarize_two_step, two_step
from eval.outcome import Outcome
from eval.report import markdown, summarize

BALANCE = MetricQuery(metrics=("deposit_balance",))
AVERAGE = MetricQuery(metrics=("deposit_avg_daily",))


def _clarify(*choices: Labelled) -> Answer:
    return Answer(status="clarify", question="存款", language="zh", choices=choices)


def _ok(rows: list[list[object]]) -> Answer:
    return Answer(status="ok", question="存款", language="zh", columns=("v",), rows=rows)  # type: ignore[arg-type]


def test_a_choice_that_gives_the_gold_rows_is_reached() -> None:
    results = {BALANCE: _ok([[1]]), AVERAGE: _ok([[2]])}
    answer = _clarify(Labelled("余额", BALANCE), Labelled("日均", AVERAGE))
    run = lambda c: results[c.value]  # noqa: E731 - one line per fake
    assert two_step(answer, True, run, lambda a: a.rows == [[2]]) == "reached"
    assert two_step(answer, True, run, lambda a: a.rows == [[3]]) == "missed"
    assert two_step(answer, False, run, lambda a: True) == "no_gold"


def test_a_refused_or_failed_choice_never_counts() -> None:
    refused = Answer(status="refused", question="q", language="zh", code="ACCESS_DENIED")
    answer = _clarify(Labelled("x", BALANCE), Labelled("y", {"replace_metric": ["a", "b"]}))
    assert two_step(answer, True, lambda c: refused, lambda a: True) == "missed"
    assert two_step(answer, True, lambda c: None, lambda a: True) == "missed"


def test_runnable_choices() -> None:
    assert runnable(Labelled("a", BALANCE)) == BALANCE
    assert runnable(Labelled("b", {"question": "各分行存款"})) == "各分行存款"
    assert runnable(Labelled("c", {"replace_metric": ["a", "b"]})) is None


def test_the_share_is_reported_beside_ex() -> None:
    assert summarize_two_step(["reached", "missed", "no_gold"]) == {
        "clarifications": 3,
        "with_gold": 2,
        "choice_reaches_gold": 1,
        "no_gold": 1,
        "share": 0.5,
    }
    outcome = Outcome(
        id="c1",
        expected="ok",
        got="clarify",
        correct={"asker": False},
        tags={},
        extra={"two_step": "reached"},
    )
    run = {"suite": "bank", "mode": "deterministic", "presets": ["asker"], "out": "o"}
    summary = summarize([outcome], ["asker"], run)
    assert summary["two_interactions"]["share"] == 1.0
    assert summary["ex"]["asker"] == 0.0 and summary["ex_within_two"] == 1.0
    assert "≤ 2 interactions: 1/1" in markdown(summary)


def test_answered_within_two_counts_right_answers_and_reached_choices_only() -> None:
    def outcome(cid: str, got: str, right: bool, two_step: str | None) -> Outcome:
        extra = {"two_step": two_step} if two_step else {}
        return Outcome(
            id=cid, expected="ok", got=got, correct={"asker": right}, tags={}, extra=extra
        )

    outcomes = [
        outcome("right", "ok", True, None),
        outcome("wrong", "ok", False, None),
        outcome("reached", "clarify", False, "reached"),
        outcome("missed", "clarify", False, "missed"),
    ]
    run = {"suite": "bank", "mode": "deterministic", "presets": ["asker"], "out": "o"}
    summary = summarize(outcomes, ["asker"], run)
    assert (summary["ex"]["asker"], summary["ex_within_two"]) == (0.25, 0.5)
    assert "answered in ≤ 2 interactions (asker): 50.0%" in markdown(summary)
