"""Never a different question in silence: over every eval suite (eval/cases/*.yaml), no question
the parser answers leaves a content word unused. Words it passed over as fillers are held to the
classes that change a question's meaning: a word of change with no comparison in the plan, a
comparison with no base, an exclusion, a list of entities."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from asker.types import MetricQuery, Understanding
from asker.understand.exclusion import NEGATION
from asker.understand.meaning_words import CHANGE, honours_change
from asker.understand.parser import Context, parse
from tests.understand.test_cases import context

__all__ = ["context"]

SUITES = Path(__file__).parents[2] / "eval" / "cases"
COMPARISON = re.compile(r"^(?:对比|相比|比较|比|较|vs|versus|compared)$", re.I)
ENTITY_LIST = re.compile(r"明细|名单|清单|列表|\blist\b", re.I)


def _questions() -> list[tuple[str, str, tuple[str, ...]]]:
    out = []
    for path in sorted(SUITES.glob("*.yaml")):
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for case in raw.get("cases", []):
            out.append((case["id"], case["question"], tuple(case.get("turns") or ())))
    return out


def meaning_dropped(found: Understanding, ctx: Context) -> list[str]:
    """Words passed over as fillers that change what the question asks."""
    query = found.query
    assert query is not None
    dropped = list(found.unexplained)
    for word in found.set_aside:
        change = CHANGE.fullmatch(word) and not honours_change(query, ctx.dictionary)
        # "各分行对比" compares across the breakdown; "对比" alone needs a base
        unbased = COMPARISON.match(word) and not (query.compare or query.dimensions)
        excluded = NEGATION.fullmatch(word) and not any(f.exclude for f in query.filters)
        if change or (unbased and len(query.metrics) < 2) or excluded or ENTITY_LIST.search(word):
            dropped.append(word)
    return dropped


def _parse(question: str, turns: tuple[str, ...], ctx: Context) -> Understanding:
    previous: MetricQuery | None = None
    for earlier in turns:
        found = parse(earlier, ctx, previous)
        previous = found.query if found.status == "ok" else previous
    return parse(question, ctx, previous)


def test_the_suites_are_found() -> None:
    assert len(_questions()) > 500


def test_no_answered_question_has_an_unused_content_word(context: Context) -> None:
    failures: list[Any] = []
    for case_id, question, turns in _questions():
        found = _parse(question, turns, context)
        if found.status == "ok" and (words := meaning_dropped(found, context)):
            failures.append((case_id, question, words))
    assert not failures, "\n".join(f"{i} {q}: {w}" for i, q, w in failures)


@pytest.mark.parametrize(
    "question", ["各分行存款增幅排名", "存款余额增长了多少", "deposit balance growth by branch"]
)
def test_a_word_of_change_is_never_dropped(question: str, context: Context) -> None:
    found = parse(question, context)
    assert found.status == "clarify" and found.code == "CLARIFY_COMPARE", found
    assert all(isinstance(c.value, MetricQuery) and c.value.compare for c in found.choices)
