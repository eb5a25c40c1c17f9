"""The bank gold suite on PostgreSQL and Spark Connect, scored as on DuckDB.

Answers come from the engine; the gold SQL runs on the engine too (transpiled from DuckDB's at
the executor); every answer that returns rows is also compared, exactly, with the same SQL run on
the asking user's shadow copy of the DuckDB file the engine was loaded from (eval/bank.py's
policy oracle): any difference from DuckDB is a policy violation, so none may occur.

In the suite: a fixed slice chosen by a recorded seed (eval/slices.py) covering every metric,
shape, asking user and expected status: 120 cases on PostgreSQL (both modes); on Spark, whose
every query costs a job on the JVM, a representative slice of at most 15 (every metric family,
shape (ranking, trend, compare, refusal, ...), period kind and expected status) in deterministic
mode. ``make test-spark-slice`` (ASKER_SPARK_SLICE=1) runs Spark's 60-case covering slice in both
modes instead.
``make test-engines`` (ASKER_ENGINES_FULL=1) runs the whole suite on both engines and writes its
figures to ``bench/engines.json``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from eval.bank import BankScorer
from eval.cases import Case, load_suite
from eval.outcome import Outcome
from eval.runner import run_cases
from eval.slices import SEED, covering_slice, representative_slice
from tests.engines import EngineBank

pytestmark = pytest.mark.engines
PRESETS = ("asker",)
FLOORS = {"deterministic": 0.97, "oracle": 1.0}  # EX on the answerable cases
BANK = load_suite("bank")
FULL = os.environ.get("ASKER_ENGINES_FULL") == "1"
SPARK_SLICE = os.environ.get("ASKER_SPARK_SLICE") == "1"
FIGURES = Path(__file__).resolve().parents[2] / "bench" / "engines.json"


def score(bank: EngineBank, mode: str, cases: list[Case], out: Path) -> list[Outcome]:
    scorer = BankScorer(bank.settings, mode, PRESETS, out)  # type: ignore[arg-type]
    try:
        return run_cases(
            cases, scorer, out_dir=out, presets=PRESETS, workers=2, show_progress=False
        )
    finally:
        scorer.rt.close()


def figures(outcomes: list[Outcome]) -> dict[str, Any]:
    scored = [o for o in outcomes if o.scored]
    answerable = [o for o in scored if o.expected == "ok"]
    return {
        "scored": len(scored),
        "correct": sum(o.correct["asker"] for o in scored),
        "answerable": len(answerable),
        "ex": round(sum(o.correct["asker"] for o in answerable) / max(1, len(answerable)), 4),
        "violations": sum(bool(o.violations) for o in scored),
        "differ": [(o.id, o.violations[:2]) for o in scored if o.violations],
        "cases": [(o.id,) for o in scored],
        "wrong": [(o.id, o.got, o.code, o.reason[:120]) for o in scored if not o.correct["asker"]],
    }


def measure(
    bank: EngineBank, cases: list[Case], tmp: Path, modes: tuple[str, ...] = tuple(FLOORS)
) -> dict[str, Any]:
    return {mode: figures(score(bank, mode, cases, tmp / mode)) for mode in modes}


# Differences from DuckDB found and not yet diagnosed: listed here, each must still differ (a fix
# shows up as a failure that asks to remove it), and any other difference fails the test.
KNOWN_DIFFERENCES = {
    "spark": {
        "followup/npl_ratio/quarter_grain_2025_mom": "row 1 differs from DuckDB's (2026-12-07)",
    },
}


def problems(engine: str, report: dict[str, Any]) -> list[str]:
    found = []
    known = KNOWN_DIFFERENCES.get(engine, {})
    for mode, got in report.items():
        floor = FLOORS[mode]
        differ = [(case, why) for case, why in got["differ"] if case not in known]
        if differ:
            found.append(f"{engine} {mode}: answers differ from DuckDB's: {differ}")
        scored = {case for case, *_ in got["cases"]}
        fixed = [c for c in known if c in scored and c not in {d for d, _ in got["differ"]}]
        if fixed:
            found.append(f"{engine} {mode}: {fixed} now agree with DuckDB: remove them from KNOWN")
        if got["ex"] < floor:
            found.append(f"{engine} {mode}: EX {got['ex']} < {floor}: {got['wrong'][:10]}")
    return found


@pytest.mark.skipif(FULL, reason="the full run replaces the slice")
def test_a_covering_slice_on_postgresql(pg_bank: EngineBank, tmp_path: Path) -> None:
    report = measure(pg_bank, covering_slice(BANK, size=120, seed=SEED), tmp_path)
    assert not problems("postgresql", report)


@pytest.mark.skipif(FULL, reason="the full run replaces the slice")
@pytest.mark.xdist_group("spark")
def test_a_representative_slice_on_spark(spark_bank: EngineBank, tmp_path: Path) -> None:
    if SPARK_SLICE:
        report = measure(spark_bank, covering_slice(BANK, size=60, seed=SEED), tmp_path)
    else:
        cases = representative_slice(BANK, size=15, seed=SEED)
        report = measure(spark_bank, cases, tmp_path, modes=("deterministic",))
    assert not problems("spark", report)


@pytest.mark.skipif(not FULL, reason="make test-engines (ASKER_ENGINES_FULL=1)")
@pytest.mark.parametrize("engine", ["postgresql", "spark"])
def test_the_whole_suite(engine: str, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    fixture = "pg_bank" if engine == "postgresql" else "spark_bank"
    bank: EngineBank = request.getfixturevalue(fixture)
    report = measure(bank, list(BANK), tmp_path)
    written = json.loads(FIGURES.read_text(encoding="utf-8")) if FIGURES.exists() else {}
    written[engine] = report
    FIGURES.write_text(json.dumps(written, ensure_ascii=False, indent=2) + "\n", "utf-8")
    assert not problems(engine, report)
