"""Run cases in parallel workers with a per-case timeout, appending outcomes as they finish.

A rerun with the same output folder skips the cases already scored (resumable); a case that
raises is recorded as ``error`` and one that runs past the timeout as ``timeout``, and the run
goes on. Progress is a rich progress bar on stderr.
"""

from __future__ import annotations

import concurrent.futures as cf
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from eval.cases import Case
from eval.outcome import Outcome, append_outcome, read_outcomes

Scorer = Callable[[Case], Outcome]
RESULTS = "results.jsonl"


def failed(case: Case, got: str, reason: str, presets: Sequence[str]) -> Outcome:
    return Outcome(
        id=case.id,
        expected=case.expect.status,
        got=got,
        correct=dict.fromkeys(presets, False),
        tags=case.tag_values(),
        expected_code=case.expect.code,
        reason=reason,
        metrics_gold=case.expect.metrics,
    )


def run_cases(
    cases: Sequence[Case],
    score: Scorer,
    *,
    out_dir: Path,
    presets: Sequence[str],
    workers: int = 2,
    timeout_s: float = 120.0,
    show_progress: bool = True,
) -> list[Outcome]:
    """Score every case not yet in ``out_dir/results.jsonl``; return all outcomes of ``cases``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / RESULTS
    done = {o.id: o for o in read_outcomes(path)}
    todo = [c for c in cases if c.id not in done]
    lock = threading.Lock()
    pool = cf.ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="eval")
    progress = Progress(
        TextColumn("评测 eval"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        disable=not show_progress,
    )
    try:
        with progress:
            bar = progress.add_task("eval", total=len(cases), completed=len(cases) - len(todo))
            futures = {case: pool.submit(_timed, score, case) for case in todo}
            for case, future in futures.items():
                outcome = _result(case, future, timeout_s, presets)
                with lock:
                    append_outcome(path, outcome)
                    done[case.id] = outcome
                progress.advance(bar)
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
    return [done[c.id] for c in cases if c.id in done]


def _timed(score: Scorer, case: Case) -> tuple[Outcome, float]:
    started = time.perf_counter()
    outcome = score(case)
    return outcome, (time.perf_counter() - started) * 1000


def _result(
    case: Case, future: cf.Future[tuple[Outcome, float]], timeout_s: float, presets: Sequence[str]
) -> Outcome:
    """The case's outcome; the timeout counts from when this result is awaited, and futures
    are awaited in submission order, so a case never gets less than ``timeout_s`` of its own."""
    try:
        outcome, wall_ms = future.result(timeout=timeout_s)
    except cf.TimeoutError:
        future.cancel()
        return failed(case, "timeout", f"over {timeout_s:g}s", presets)
    except Exception as exc:  # a bug in one case must not stop the run
        return failed(case, "error", type(exc).__name__ + ": " + str(exc)[:200], presets)
    if not outcome.latency_ms:
        return Outcome(**{**outcome.__dict__, "latency_ms": wall_ms})
    return outcome
