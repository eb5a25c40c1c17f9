"""An attribution's follow-ups on tiny: the drill-down choices it offers ("再按产品拆",
"只看上海分行"), the same words typed in a conversation, the "why did it change" button of a
comparison answer, and explain(), which shows the plan without running it. Members against
hand-written SQL."""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from asker import api
from asker.appstate.conversations import query_from_json, query_to_json
from asker.config import Settings
from asker.types import Attribution, Filter, MetricQuery, Period
from tests import callers
from tests.attribution.sql_by_hand import member_sql
from tests.helpers import rows


@pytest.fixture(scope="module")
def settings(tiny_dir: Path) -> Settings:
    return Settings(data_dir=tiny_dir)


def _contributions(executor: Any, sql: str) -> dict[str, float]:
    return {r[0]: float(Fraction(r[2] or 0) - Fraction(r[1] or 0)) for r in rows(executor, sql)}


def test_the_drill_down_choices_run_as_splits(settings: Settings, tiny_executor: Any) -> None:
    found = callers.ask(settings, "zhang.wei", "本月存款变化主要是哪些分行带来的")
    labels = {c.label: c.value for c in found.choices}
    by_product = labels["再按产品类型拆"]
    assert isinstance(by_product, MetricQuery) and by_product.dimensions == ("product_type",)
    again = callers.ask_query(settings, "zhang.wei", by_product, label="再按产品类型拆")
    want = _contributions(
        tiny_executor, member_sql("deposit_balance", "product_type", "本月", "zhang.wei")
    )
    assert {r[0]: r[3] for r in again.rows} == pytest.approx(want)
    lead = found.rows[0][0]
    only = labels[f"只看{lead}"]
    assert only.dimensions == ("subbranch",) and only.filters[0].dimension == "branch"


def test_a_typed_follow_up_keeps_the_split(settings: Settings, tiny_executor: Any) -> None:
    first = callers.ask(settings, "li.na", "本月存款为什么变化", conversation="attr-follow")
    assert first.status == "ok" and first.attribution is not None
    found = callers.ask(settings, "li.na", "再按产品拆", conversation="attr-follow")
    assert found.status == "ok" and found.attribution is not None
    assert found.attribution.dimension == "product_type"
    want = _contributions(
        tiny_executor, member_sql("deposit_balance", "product_type", "本月", "li.na")
    )
    assert {r[0]: r[3] for r in found.rows} == pytest.approx(want)


def test_a_comparison_answer_offers_why(settings: Settings) -> None:
    found = callers.ask(settings, "zhang.wei", "各分行存款环比")
    why = [c for c in found.choices if c.label.startswith("为什么变化")]
    assert len(why) == 1
    query = why[0].value
    assert query.attribution == Attribution() and query.dimensions == ("branch",)
    split = callers.ask_query(settings, "zhang.wei", query, label=why[0].label)
    assert split.status == "ok" and split.total_change is not None


def test_explain_shows_the_plan_of_a_split_without_running_it(settings: Settings) -> None:
    found = callers.explain(settings, "zhang.wei", "本月存款为什么下降了")
    assert found.status == "ok" and not found.rows
    assert "变动归因" in found.message and found.sql


def test_an_attribution_round_trips_through_the_conversation_store() -> None:
    day = Period(date(2026, 8, 31), date(2026, 8, 31))
    query = MetricQuery(
        ("npl_ratio",),
        ("branch",),
        (Filter("branch", ("B05",)),),
        attribution=Attribution(compare_period=day, top=3),
    )
    assert query_from_json(query_to_json(query)) == query


def test_an_export_re_runs_the_split_itself(settings: Settings) -> None:
    found = callers.ask(settings, "zhang.wei", "本月存款为什么下降了")
    assert found.plan is not None and found.plan.attribution is not None
    exported = api.export(
        callers.runtime(settings),
        callers.who(settings, "zhang.wei"),
        query=found.plan,
        question=found.question,
    )
    assert exported.answer.columns == found.columns
    assert exported.answer.rows == found.rows
    assert exported.answer.total_change == found.total_change
