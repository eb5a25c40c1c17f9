"""Retrieval evaluation: labelled questions and recall@k / MRR of a retriever over them.

``tuned.yaml`` is the set the index and its ranking were tuned on; ``heldout.yaml`` was written
before any tuning and is never tuned on. A case is found when one of the documents it needs is
among the top ``k`` hits of a search over all kinds; a table is also found through one of its
columns (the column document names its table).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml

from asker.retrieval import Retriever
from asker.types import Hit

SETS = ("tuned", "heldout")


@dataclass(frozen=True)
class Case:
    question: str
    need: tuple[str, ...]
    paraphrase: bool = False


@dataclass(frozen=True)
class Score:
    name: str
    cases: int
    recall_at_k: float
    mrr: float
    paraphrase_recall_at_k: float
    search_p50_ms: float
    misses: tuple[str, ...]


def _raw(name: str) -> Any:
    folder = resources.files("asker.retrieval.evaluation")
    return yaml.safe_load(folder.joinpath(f"{name}.yaml").read_text(encoding="utf-8"))


def asked_as(name: str) -> str:
    """The role a labelled set is asked as (written in the set)."""
    return str(_raw(name)["role"])


def load_cases(name: str) -> tuple[Case, ...]:
    raw = _raw(name)
    return tuple(
        Case(str(c["q"]), tuple(c["need"]), bool(c.get("paraphrase", False))) for c in raw["cases"]
    )


def _names(hit: Hit) -> tuple[str, ...]:
    if hit.kind == "column":
        return (hit.id, "table:" + hit.key.split(".", 1)[0])
    return (hit.id,)


def rank_of(case: Case, hits: Sequence[Hit]) -> int | None:
    """1-based rank of the first hit that is one of the documents the case needs."""
    for position, hit in enumerate(hits, start=1):
        if set(_names(hit)) & set(case.need):
            return position
    return None


def evaluate(retriever: Retriever, name: str, *, role: str | None = None, k: int = 5) -> Score:
    cases, role = load_cases(name), role or asked_as(name)
    ranks: list[int | None] = []
    times: list[float] = []
    for case in cases:
        started = time.perf_counter()
        hits = retriever.search(case.question, role, k=k)
        times.append((time.perf_counter() - started) * 1000)
        ranks.append(rank_of(case, hits))
    para = [r for c, r in zip(cases, ranks, strict=True) if c.paraphrase]
    return Score(
        name=name,
        cases=len(cases),
        recall_at_k=_share(ranks),
        mrr=sum(1 / r for r in ranks if r) / len(cases),
        paraphrase_recall_at_k=_share(para),
        search_p50_ms=statistics.median(times),
        misses=tuple(c.question for c, r in zip(cases, ranks, strict=True) if r is None),
    )


def _share(ranks: Sequence[int | None]) -> float:
    return sum(1 for r in ranks if r) / len(ranks) if ranks else 0.0
