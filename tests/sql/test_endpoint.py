"""End to end against a local OpenAI-compatible server the test starts on loopback: the real
``openai`` client through ChatOpenAI, real HTTP. Timeouts, a 500 then a 200, and the three ways
of asking for structured output."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from asker.config import Settings
from tests import callers
from tests.sql.endpoint import Endpoint, content, tool_call
from tests.sql.fakes import metric_query, sql_block

EMPLOYEES = "SELECT COUNT(*) AS n FROM dim_employee"


def settings_for(tiny_dir: Path, endpoint: Endpoint, **extra: Any) -> Settings:
    return Settings(
        data_dir=tiny_dir,
        llm_base_url=endpoint.url,
        llm_model="local-test",
        llm_timeout_s=extra.pop("llm_timeout_s", 5),
        llm_max_retries=extra.pop("llm_max_retries", 0),
        **extra,
    )


def test_json_mode_sends_response_format_and_answers(tiny_dir: Path, endpoint: Endpoint) -> None:
    endpoint.script = [content({"action": "needs_sql"}), content(sql_block(EMPLOYEES))]
    settings = settings_for(tiny_dir, endpoint, llm_structured_output="json_mode")
    answer = callers.ask(settings, "zhang.wei", "我们一共有多少员工")
    assert answer.status == "ok", answer.message
    plan, sql = endpoint.requests
    assert plan["response_format"] == {"type": "json_object"} and "tools" not in plan
    assert "response_format" not in sql and plan["model"] == "local-test"
    assert (
        plan["messages"][0]["role"] == "system"
        and "示范城市商业银行" in plan["messages"][0]["content"]
    )


def test_function_calling_sends_a_tool_and_reads_its_arguments(
    tiny_dir: Path, endpoint: Endpoint
) -> None:
    endpoint.script = [tool_call(metric_query(metrics=["loan_balance"], dimensions=["branch"]))]
    settings = settings_for(tiny_dir, endpoint, llm_structured_output="function_calling")
    answer = callers.ask(settings, "zhang.wei", "各分行放出去的钱还剩多少")
    assert answer.status == "ok", answer.message
    assert answer.metrics[0].code == "loan_balance" and answer.row_count == 10
    (plan,) = endpoint.requests
    assert plan["tools"][0]["function"]["name"] == "Plan"
    assert plan["tool_choice"]["function"]["name"] == "Plan" and "response_format" not in plan


def test_json_schema_sends_the_schema(tiny_dir: Path, endpoint: Endpoint) -> None:
    endpoint.script = [content(metric_query(metrics=["loan_balance"]))]
    settings = settings_for(tiny_dir, endpoint, llm_structured_output="json_schema")
    answer = callers.ask(settings, "zhang.wei", "放出去的钱还剩多少")
    assert answer.status == "ok", answer.message
    (plan,) = endpoint.requests
    assert plan["response_format"]["type"] == "json_schema"
    assert "action" in plan["response_format"]["json_schema"]["schema"]["properties"]


def test_a_sub_second_timeout_is_a_clear_error(tiny_dir: Path, endpoint: Endpoint) -> None:
    endpoint.script = [{**content({"action": "needs_sql"}), "sleep": 1.5}]
    settings = settings_for(tiny_dir, endpoint, llm_timeout_s=0.3, llm_max_retries=0)
    answer = callers.ask(settings, "zhang.wei", "我们一共有多少员工")
    assert (answer.status, answer.code) == ("error", "LLM_UNAVAILABLE")
    assert "Timeout" in answer.message and len(endpoint.requests) == 1


def test_a_500_then_a_200_succeeds_with_one_retry(tiny_dir: Path, endpoint: Endpoint) -> None:
    endpoint.script = [
        {"status": 500, "body": {"error": {"message": "boom", "type": "server_error"}}},
        content({"action": "needs_sql"}),
        content(sql_block(EMPLOYEES)),
    ]
    settings = settings_for(tiny_dir, endpoint, llm_max_retries=1)
    answer = callers.ask(settings, "zhang.wei", "我们一共有多少员工")
    assert answer.status == "ok", answer.message
    assert len(endpoint.requests) == 3


def test_a_dead_endpoint_without_retries_is_unavailable(tiny_dir: Path, endpoint: Endpoint) -> None:
    endpoint.script = [{"status": 500, "body": {"error": {"message": "boom"}}}]
    settings = settings_for(tiny_dir, endpoint, llm_max_retries=0)
    answer = callers.ask(settings, "zhang.wei", "我们一共有多少员工")
    assert (answer.status, answer.code) == ("error", "LLM_UNAVAILABLE")
    assert "ASKER_LLM_BASE_URL" in answer.message and len(endpoint.requests) == 1
    assert callers.ask(settings, "zhang.wei", "存款余额").status == "ok"
