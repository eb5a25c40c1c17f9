"""The LLM path with the real retrieval index (Chroma + BM25 over the demo data dir): what the
index finds for a paraphrase leads the prompt; without the index the prompt is unranked."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from asker import api
from asker.config import Settings
from asker.errors import ProviderError
from asker.retrieval.embeddings import HashingEmbedder
from tests import callers
from tests.helpers import copy_data_dir, rows
from tests.sql.fakes import Install, metric_query

HEADER = "可用指标 Metrics"


def metric_codes(prompt: str) -> list[str]:
    block = prompt.split(HEADER, 1)[1].split("\n\n", 1)[0]
    return [line.split(" | ", 1)[0] for line in block.splitlines()[1:] if " | " in line]


@pytest.fixture(scope="module")
def settings(tiny_dir: Path) -> Settings:
    return Settings(data_dir=tiny_dir, llm_model="scripted")


PARAPHRASES = [  # none shares a word with its metric's name or synonyms
    ("还没收回来的借款一共多少", "loan_balance"),
    ("贷出去收不回来的比例", "npl_ratio"),
    ("how much money did customers park with us", "deposit_balance"),
]


@pytest.mark.parametrize(("question", "metric"), PARAPHRASES)
def test_the_index_brings_the_paraphrased_metric_to_the_top(
    settings: Settings, llm: Install, question: str, metric: str
) -> None:
    assert callers.runtime(settings).services().retriever is not None
    model = llm(metric_query(metrics=[metric]))
    callers.ask(settings, "zhang.wei", question)
    assert metric in metric_codes(model.prompts[0][1])[:3]


@pytest.mark.parametrize(("question", "metric"), PARAPHRASES)
def test_without_the_index_the_prompt_lists_everything_visible_unranked(
    settings: Settings, llm: Install, monkeypatch: pytest.MonkeyPatch, question: str, metric: str
) -> None:
    model = llm(metric_query(metrics=[metric]))
    with_index = api.Runtime.services
    monkeypatch.setattr(api.Runtime, "services", lambda rt: replace(with_index(rt), retriever=None))
    callers.ask(settings, "zhang.wei", question)
    codes = metric_codes(model.prompts[0][1])
    assert metric in codes and metric not in codes[:3]


def test_a_failing_embeddings_call_leaves_the_answer_possible_and_flagged(
    tiny_dir: Path, tmp_path: Path, llm: Install, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = Settings(data_dir=copy_data_dir(tiny_dir, tmp_path / "data"), llm_model="scripted")

    def dead(self: object, texts: object) -> list[list[float]]:  # the endpoint went away
        raise ProviderError("EMBEDDINGS_FAILED", url="http://10.0.0.9/v1", error_class="Timeout")

    monkeypatch.setattr(HashingEmbedder, "embed", dead)
    model = llm(metric_query(metrics=["loan_balance"]))
    question = "还没收回来的借款一共多少"
    answer = callers.ask(settings, "zhang.wei", question)
    assert answer.status == "ok" and answer.metrics[0].code == "loan_balance"
    assert "loan_balance" in metric_codes(model.prompts[0][1])  # the unranked visible context
    (entry,) = callers.runtime(settings).audit.search(user_id="zhang.wei", limit=1)
    assert entry.record["question"] == question
    assert "retrieval_unavailable" in entry.record["flags"]


def test_the_index_is_searched_within_the_askers_org_scope(
    settings: Settings, llm: Install, monkeypatch: pytest.MonkeyPatch, tiny_executor: Any
) -> None:
    searched: dict[str, object] = {}
    with_index = api.Runtime.services

    def recording(rt: api.Runtime) -> Any:
        found = with_index(rt)
        real = found.retriever
        assert real is not None

        class Recording:
            def search(self, question: str, role: str, *args: Any, **kw: Any) -> list[Any]:
                searched[role] = kw.get("orgs")
                return real.search(question, role, *args, **kw)

        return replace(found, retriever=Recording())

    monkeypatch.setattr(api.Runtime, "services", recording)
    for user in ("zhang.wei", "li.na"):
        llm(metric_query(metrics=["loan_balance"]))
        callers.ask(settings, user, "还没收回来的借款一共多少")
    in_b05 = "SELECT org_id FROM dim_org WHERE branch_id = 'B05'"
    chengdu = {r[0] for r in rows(tiny_executor, in_b05)}
    assert searched["hq_analyst"] is None  # 总行: every unit
    assert set(searched["branch_manager"]) == chengdu  # type: ignore[call-overload]
