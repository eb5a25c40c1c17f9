"""The benchmarks measure answers, not refusals: the LLM section runs the chain for every role
even when the data dir's rate limit would stop a person after one question."""

from __future__ import annotations

from pathlib import Path

from asker import api, bench
from asker.config import Settings
from tests.helpers import copy_data_dir


def test_the_llm_chain_benchmark_is_not_throttled(tiny_dir: Path, tmp_path: Path) -> None:
    strict = Settings(data_dir=copy_data_dir(tiny_dir, tmp_path / "data"), rate_limit_per_minute=1)
    said: list[str] = []
    report = bench.time_llm_chain(api.open_runtime(bench.unthrottled(strict)), 2, said.append)
    assert set(report) == {"zhang.wei", "li.na", "wang.fang", "liu.yang", "chen.jie"}
    assert all(found["prompt_tokens"] > 1000 for found in report.values()), said
