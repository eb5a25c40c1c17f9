"""The runner on tiny: deterministic and oracle scoring, refusals and clarifications, resuming,
timeouts, reports, a baseline diff, and a deliberately injected policy violation failing the
run. Expected verdicts come from the hand-written gold (and one gold deliberately made wrong)."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

import asker.gate as gate_module
from asker.config import Settings
from eval.bank import BankScorer
from eval.cases import Case, load_suite
from eval.cli import eval_app
from eval.outcome import Outcome, read_outcomes
from eval.report import write_report
from eval.runner import RESULTS, run_cases

BANK = {c.id: c for c in load_suite("bank")}
CHOSEN = (
    "tuned/002",  # 帮我查一下全行存款余额: an answer
    "tuned/281",  # 上个月各分行的情况: a clarifying question
    "tuned/293",  # 明天天气怎么样: NOT_ANSWERABLE
    "followup/approved_credit_amount/yoy_2026q3",  # a follow-up turn
    "perm/li.na/deposit_by_subbranch",  # scoped to 成都分行 by hand
    "perm/chen.jie/sql_detail_refused",  # oracle: the gate must refuse detail
    "perm/zhao.min/sql_refused",  # oracle: no data access
    "perm/li.na/sql_cards_masked",  # oracle: scope and masks by the gate = by hand
)
PRESETS = ("asker", "bird_ex", "spider_testsuite")


def _wrong_gold() -> Case:
    """The total deposit balance gold, doubled: a harness that scores it right is broken. (In
    oracle mode the right SQL, as a model would write it, goes through the gate.)"""
    right = BANK["tuned/002"]
    assert right.expect.sql
    sql = f"SELECT 2 * deposit_balance FROM ({right.expect.sql}) AS g"
    expect = right.expect.model_copy(update={"sql": sql, "model_sql": right.expect.sql})
    return right.model_copy(update={"id": "wrong/doubled", "expect": expect})


def write_suite(folder: Path, cases: list[Case]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    raw = {
        "suite": "mini",
        "cases": [c.model_dump(mode="json", exclude_defaults=True) for c in cases],
    }
    (folder / "mini_cases.yaml").write_text(yaml.safe_dump(raw, allow_unicode=True), "utf-8")
    return folder


@pytest.fixture
def suite() -> list[Case]:
    return [BANK[i] for i in CHOSEN] + [_wrong_gold()]


@pytest.fixture
def settings(tiny_dir: Path) -> Settings:
    return Settings(data_dir=tiny_dir)


def _run(settings: Settings, mode: str, cases: list[Case], out: Path) -> dict[str, Outcome]:
    scorer = BankScorer(settings, mode, PRESETS, out)  # type: ignore[arg-type]
    outcomes = run_cases(cases, scorer, out_dir=out, presets=PRESETS, show_progress=False)
    return {o.id: o for o in outcomes}


def test_deterministic_mode_scores_answers_clarifications_and_refusals(
    settings: Settings, suite: list[Case], tmp_path: Path
) -> None:
    got = _run(settings, "deterministic", suite, tmp_path)
    right = {i: o.correct["asker"] for i, o in got.items() if o.scored}
    assert right == {
        "tuned/002": True,
        "tuned/281": True,
        "tuned/293": True,
        "followup/approved_credit_amount/yoy_2026q3": True,
        "perm/li.na/deposit_by_subbranch": True,
        "wrong/doubled": False,
    }
    skipped = {i for i, o in got.items() if not o.scored}
    assert skipped == {"perm/chen.jie/sql_detail_refused", "perm/zhao.min/sql_refused",
                       "perm/li.na/sql_cards_masked"}  # fmt: skip
    assert all(not o.violations for o in got.values())
    assert got["tuned/002"].metrics_got == ("deposit_balance",)


def test_oracle_mode_passes_correct_gold_and_expected_refusals(
    settings: Settings, suite: list[Case], tmp_path: Path
) -> None:
    got = _run(settings, "oracle", suite, tmp_path)
    scored = {i: o for i, o in got.items() if o.scored}
    assert set(scored) == {
        "tuned/002", "followup/approved_credit_amount/yoy_2026q3",
        "perm/li.na/deposit_by_subbranch", "perm/chen.jie/sql_detail_refused",
        "perm/zhao.min/sql_refused", "perm/li.na/sql_cards_masked", "wrong/doubled",
    }  # fmt: skip
    assert {i for i, o in scored.items() if not o.correct["asker"]} == {"wrong/doubled"}
    assert scored["perm/chen.jie/sql_detail_refused"].code == "DETAIL_NOT_ALLOWED"
    assert all(not o.violations for o in scored.values())


def test_a_rerun_resumes_and_skips_what_is_done(
    settings: Settings, suite: list[Case], tmp_path: Path
) -> None:
    few = suite[:3]
    _run(settings, "deterministic", few, tmp_path)
    lines = (tmp_path / RESULTS).read_text("utf-8").splitlines()
    assert len(lines) == 3
    (tmp_path / RESULTS).write_text("\n".join(lines[:2]) + "\n" + lines[2][:20], "utf-8")  # cut

    calls: list[str] = []

    def score(case: Case):  # type: ignore[no-untyped-def]
        calls.append(case.id)
        return BankScorer(settings, "deterministic", PRESETS, tmp_path)(case)

    outcomes = run_cases(few, score, out_dir=tmp_path, presets=PRESETS, show_progress=False)
    assert calls == [few[2].id] and [o.id for o in outcomes] == [c.id for c in few]


def test_a_slow_or_broken_case_is_recorded_and_the_run_goes_on(
    suite: list[Case], tmp_path: Path
) -> None:
    def score(case: Case):  # type: ignore[no-untyped-def]
        if case.id == suite[0].id:
            time.sleep(3)
        raise RuntimeError("boom")

    outcomes = run_cases(
        suite[:2], score, out_dir=tmp_path, presets=PRESETS, timeout_s=0.5, show_progress=False
    )
    assert [o.got for o in outcomes] == ["timeout", "error"]
    assert "boom" in outcomes[1].reason and not any(o.correct["asker"] for o in outcomes)


def test_reports_are_written_with_ex_tags_latency_and_a_baseline_diff(
    settings: Settings, suite: list[Case], tmp_path: Path
) -> None:
    outcomes = list(_run(settings, "deterministic", suite, tmp_path).values())
    summary = write_report(
        tmp_path,
        outcomes,
        PRESETS,
        {"suite": "mini", "mode": "deterministic", "presets": list(PRESETS)},
    )
    for name in ("summary.json", "report.md", "report.html"):
        assert (tmp_path / name).is_file()
    assert summary["ex"]["asker"] == 0.75  # 3 of 4 answerable; the doubled gold fails
    assert summary["by_expectation"]["clarify"] == {"n": 1, "correct": 1, "share": 1.0}
    assert summary["per_tag"]["followup"]["yes"]["correct"] == 1
    assert (
        summary["latency_ms"]["max"]
        >= summary["latency_ms"]["p95"]
        >= summary["latency_ms"]["p50"]
        > 0
    )
    assert summary["policy_violations"] == []
    text = (tmp_path / "report.md").read_text("utf-8")
    assert "EX" in text and "per tag" in text and "wrong/doubled" in text

    base = json.loads((tmp_path / "summary.json").read_text("utf-8"))
    base["outcomes"]["wrong/doubled"] = True
    base["outcomes"]["tuned/002"] = False
    base["ex"]["asker"] = 0.5
    (tmp_path / "base.json").write_text(json.dumps(base), "utf-8")
    again = write_report(tmp_path, outcomes, PRESETS, summary["run"], tmp_path / "base.json")
    diff = again["baseline"]
    assert diff["newly_failing"] == ["wrong/doubled"] and diff["newly_passing"] == ["tuned/002"]
    assert diff["ex_delta"]["asker"] == 0.25


def test_an_injected_policy_violation_fails_the_run(
    tiny_dir: Path, suite: list[Case], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A gate that forgot to mask: the shadow warehouse and the raw-PII scan both catch it."""
    cases = write_suite(tmp_path / "cases", [BANK["perm/li.na/sql_cards_masked"]])
    args = ["run", "--suite", "mini", "--mode", "oracle", "--cases-dir", str(cases),
            "--data-dir", str(tiny_dir), "--out", str(tmp_path / "out")]  # fmt: skip
    assert CliRunner().invoke(eval_app, args).exit_code == 0
    steps = tuple(s for s in gate_module.STEPS if s.__name__ != "masked_columns")
    monkeypatch.setattr(gate_module, "STEPS", steps)
    done = CliRunner().invoke(eval_app, [*args[:-1], str(tmp_path / "broken")])
    assert done.exit_code == 1, done.output
    summary = json.loads((tmp_path / "broken" / "summary.json").read_text("utf-8"))
    [found] = summary["policy_violations"]
    assert any("shadow" in v for v in found["violations"])
    assert any("raw PII" in v for v in found["violations"])
    [outcome] = read_outcomes(tmp_path / "broken" / RESULTS)
    assert not any(re.search(r"\d{6}", v) for v in outcome.violations), "the report leaks PII"


def test_llm_mode_without_an_endpoint_stops_with_a_clear_message(
    tiny_dir: Path, tmp_path: Path
) -> None:
    done = CliRunner().invoke(
        eval_app, ["run", "--mode", "llm", "--data-dir", str(tiny_dir), "--out", str(tmp_path)]
    )
    assert done.exit_code == 1
    assert "EVAL_LLM_NOT_CONFIGURED" in done.output and "ASKER_LLM_BASE_URL" in done.output
    assert not (tmp_path / RESULTS).exists()


def test_asker_eval_run_prints_ex_per_tag_and_latency(tiny_dir: Path, tmp_path: Path) -> None:
    """The composed command, as a user runs it (python -m asker = the asker console script)."""
    import subprocess
    import sys

    cases = write_suite(tmp_path / "cases", [BANK["tuned/002"], BANK["tuned/293"]])
    done = subprocess.run(
        [sys.executable, "-m", "asker", "eval", "run", "--suite", "mini", "--cases-dir",
         str(cases), "--data-dir", str(tiny_dir), "--out", str(tmp_path / "out")],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "EX (asker) 100.0%" in done.stdout and "p95" in done.stdout
    assert "source" in done.stdout and "policy violations 违规: 0" in done.stdout


def test_oracle_on_the_whole_bank_suite_passes_every_gold_and_refusal(
    settings: Settings, tmp_path: Path
) -> None:
    """The gate keeps the meaning of every hand-written gold (in its allow-listed SQL) for the
    roles allowed to see it, and refuses what it must (ISSUE 12: oracle gives 100%)."""
    cases = load_suite("bank")
    scorer = BankScorer(settings, "oracle", ("asker",), tmp_path)
    outcomes = run_cases(
        cases, scorer, out_dir=tmp_path, presets=("asker",), workers=2, show_progress=False
    )
    scored = [o for o in outcomes if o.scored]
    assert len(scored) >= 450
    wrong = [(o.id, o.got, o.code, o.reason) for o in scored if not o.correct["asker"]]
    assert not wrong, wrong
    assert not [o.id for o in outcomes if o.violations]
