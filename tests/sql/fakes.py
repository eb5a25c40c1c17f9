"""Fakes at the LLM boundary only: a chat model that replies from a script and records every
prompt it was sent (and the structured-output request that came with it)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest
from langchain_core.language_models.fake_chat_models import FakeMessagesListChatModel
from langchain_core.messages import AIMessage, BaseMessage
from pydantic import Field

from asker import api


class ScriptedModel(FakeMessagesListChatModel):
    """Replies in order (the last one repeats); ``prompts`` holds each request's message texts,
    ``requests`` the keyword arguments (response_format, tools) that came with it."""

    prompts: list[list[str]] = Field(default_factory=list)
    requests: list[dict[str, Any]] = Field(default_factory=list)

    def _generate(  # type: ignore[override]
        self, messages: list[BaseMessage], stop: Any = None, run_manager: Any = None, **kw: Any
    ) -> Any:
        self.prompts.append([str(m.content) for m in messages])
        self.requests.append(kw)
        response = self.responses[min(self.i, len(self.responses) - 1)]
        self.i += 1
        return _result(response)

    @property
    def texts(self) -> list[str]:
        """Every prompt text sent, system and user messages alike."""
        return [t for p in self.prompts for t in p]


def _result(message: BaseMessage) -> Any:
    from langchain_core.outputs import ChatGeneration, ChatResult

    return ChatResult(generations=[ChatGeneration(message=message)])


def reply(value: str | dict[str, Any]) -> AIMessage:
    return AIMessage(value if isinstance(value, str) else json.dumps(value, ensure_ascii=False))


def scripted(*replies: str | dict[str, Any] | AIMessage) -> ScriptedModel:
    messages = [r if isinstance(r, AIMessage) else reply(r) for r in replies]
    return ScriptedModel(responses=messages, prompts=[], requests=[])


Install = Callable[..., ScriptedModel]


@pytest.fixture
def llm(monkeypatch: pytest.MonkeyPatch) -> Install:
    """``llm(reply, ...)`` makes api.ask use a scripted model in place of the endpoint."""

    def install(*replies: str | dict[str, Any] | AIMessage) -> ScriptedModel:
        model = scripted(*replies)
        real = api.Runtime.services
        monkeypatch.setattr(api.Runtime, "services", lambda rt: replace(real(rt), chat_model=model))
        return model

    return install


def metric_query(**query: Any) -> dict[str, Any]:
    return {"action": "metric_query", "query": query, "reason": "test"}


def sql_block(sql: str, prose: str = "") -> str:
    return f"{prose}\n```sql\n{sql}\n```\n这条查询按要求统计。"
