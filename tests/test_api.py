"""ask() and explain() as the UI and the CLI call them, on the tiny demo bank."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from asker.config import Settings
from asker.types import MetricQuery
from asker.warehouse.engine import DuckDBExecutor
from tests import callers
from tests.helpers import result_diff, rows


@pytest.fixture(scope="module")
def settings(tiny_dir: Path) -> Settings:
    return Settings(data_dir=tiny_dir)


def test_an_answer_carries_definition_version_period_and_sql(
    settings: Settings, tiny_executor: DuckDBExecutor
) -> None:
    answer = callers.ask(settings, None, "上个月各分行的存款余额是多少")
    assert answer.status == "ok" and answer.language == "zh"
    assert answer.columns == ("branch", "deposit_balance") and answer.row_count == 10
    assert answer.metrics[0].code == "deposit_balance" and answer.metrics[0].version == 1
    assert "余额" in answer.metrics[0].definition
    assert answer.filters[0].label == "期间：2026年8月"
    assert (
        str(answer.as_of) == "2026-09-30"
        and answer.sql
        and '"fact_deposit_balance_daily"' in answer.sql
    )
    # independent check: hand-written SQL from the 口径 text
    want = rows(
        tiny_executor,
        """
        SELECT b.org_name, SUM(f.balance) FROM fact_deposit_balance_daily f
        JOIN dim_org s ON s.org_id = f.org_id JOIN dim_org b ON b.org_id = s.branch_id
        WHERE f.biz_date = DATE '2026-08-31' GROUP BY b.org_name""",
    )
    assert result_diff(answer.rows, want) is None


def test_english_questions_are_answered_in_english(settings: Settings) -> None:
    answer = callers.ask(settings, None, "NPL ratio by branch last quarter")
    assert answer.status == "ok" and answer.language == "en"
    assert answer.metrics[0].name == "NPL ratio" and answer.filters[0].label == "Period: Q2 2026"


def test_an_ambiguous_word_uses_the_default_and_offers_the_alternative(settings: Settings) -> None:
    answer = callers.ask(settings, None, "存款")
    assert answer.status == "ok" and answer.metrics[0].code == "deposit_balance"
    assert any("默认口径" in a for a in answer.assumptions)
    (choice,) = answer.choices
    assert choice.label == "改为存款日均" and isinstance(choice.value, MetricQuery)
    assert choice.value.metrics == ("deposit_avg_daily",)


def test_questions_outside_the_dictionary_without_an_llm_name_the_settings_and_what_works(
    settings: Settings,
) -> None:
    # No LLM endpoint is configured (the default): a question about the warehouse's data that
    # the dictionary lacks says the LLM is needed and names the settings; a question about
    # nothing the warehouse holds (weather, profit) is NOT_ANSWERABLE (#18), saying what works.
    answer = callers.ask(settings, None, "明天天气怎么样")
    assert (answer.status, answer.code) == ("refused", "NOT_ANSWERABLE")
    assert "存款" in answer.message
    staff = callers.ask(settings, None, "每个分行有多少名员工")
    assert staff.code == "LLM_NOT_CONFIGURED" and "ASKER_LLM_BASE_URL" in staff.message
    assert "员工" in staff.message


def test_a_question_without_a_metric_is_clarified_with_runnable_choices(settings: Settings) -> None:
    answer = callers.ask(settings, None, "上个月各分行的情况")
    assert answer.status == "clarify" and len(answer.choices) >= 3
    assert all(isinstance(c.value, MetricQuery) for c in answer.choices)


@pytest.mark.parametrize(
    ("question", "code"), [("", "EMPTY_INPUT"), ("存款" * 3000, "QUESTION_TOO_LONG")]
)
def test_bad_input_gets_a_clear_refusal(settings: Settings, question: str, code: str) -> None:
    answer = callers.ask(settings, None, question)
    assert (answer.status, answer.code) == ("refused", code)


def test_explain_shows_the_sql_without_running_it(settings: Settings) -> None:
    answer = callers.explain(settings, None, "本季度各分行不良率")
    assert answer.status == "ok" and answer.rows == () and answer.sql
    assert answer.columns == ("branch", "npl_ratio") and "未执行" in answer.message


def test_follow_ups_in_a_conversation(settings: Settings) -> None:
    conversation = "test-follow-ups"
    first = callers.ask(settings, None, "上个月各分行存款余额", conversation=conversation)
    assert first.status == "ok"
    by_sub = callers.ask(settings, None, "按支行拆开", conversation=conversation)
    assert by_sub.columns == ("subbranch", "deposit_balance")
    chengdu = callers.ask(settings, None, "只看成都", conversation=conversation)
    assert {label.label for label in chengdu.filters} >= {"分行：成都分行", "期间：2026年8月"}
    avg = callers.ask(settings, None, "换成日均", conversation=conversation)
    assert avg.metrics[0].code == "deposit_avg_daily" and avg.row_count >= 2
    yoy = callers.ask(settings, None, "和去年比呢", conversation=conversation)
    assert yoy.columns[-3:] == (
        "deposit_avg_daily_compare",
        "deposit_avg_daily_diff",
        "deposit_avg_daily_growth",
    )
    other_user = callers.ask(settings, "li.na", "按支行拆开", conversation=conversation)
    assert other_user.status == "clarify"  # another user's turns are not this user's context


def test_the_json_answer_follows_the_contract(settings: Settings) -> None:
    payload = callers.ask(settings, None, "贷款余额同比").to_json()
    assert set(payload) >= {
        "status",
        "code",
        "message",
        "question",
        "language",
        "sql",
        "columns",
        "rows",
        "row_count",
        "truncated",
        "as_of",
        "metrics",
        "filters",
        "masked_columns",
        "assumptions",
        "choices",
        "elapsed_ms",
    }
    json.dumps(payload, ensure_ascii=False)  # serialisable
    assert all(isinstance(v, int | float) for v in payload["rows"][0])
    with_choice = callers.ask(settings, None, "存款").to_json()
    choice = json.loads(json.dumps(with_choice, ensure_ascii=False))["choices"][0]
    assert choice["value"]["metrics"] == ["deposit_avg_daily"] and choice["value"]["period"] is None
