"""The chat model at the edge: an OpenAI-compatible endpoint through langchain-openai's
``ChatOpenAI`` with an explicit timeout and retries, its host checked against the allow-list,
and one ``call()`` that asks for structured output the way the endpoint supports
(``json_schema`` / ``function_calling`` / ``json_mode``) and counts the tokens either way.

>>> check_host("http://10.1.2.3:8000/v1", ("127.0.0.1",))
Traceback (most recent call last):
asker.errors.ConfigError: LLM_HOST_NOT_ALLOWED: ...
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, SecretStr

from asker.config import Settings
from asker.errors import ConfigError, ProviderError
from asker.sql.tokens import count_messages, count_tokens

if TYPE_CHECKING:  # langchain and openai load only when the LLM path runs (CLI start-up)
    from langchain_core.language_models import BaseChatModel
    from langchain_core.messages import BaseMessage

Method = Literal["json_schema", "function_calling", "json_mode"]
Purpose = Literal["rewrite", "plan", "sql", "repair"]


@dataclass(frozen=True)
class Call:
    """One request to the model: what it was sent, what it said, and the tokens of each."""

    purpose: Purpose
    prompt: tuple[str, ...]
    reply: str
    prompt_tokens: int
    completion_tokens: int


def check_host(url: str, allowed: Sequence[str]) -> None:
    host = urlsplit(url).hostname or ""
    if host.lower() not in {h.lower() for h in allowed}:
        raise ConfigError("LLM_HOST_NOT_ALLOWED", host=host or url, allowed=", ".join(allowed))


def chat_model(settings: Settings) -> BaseChatModel | None:
    """The configured endpoint's model, or None when no endpoint is set (dictionary only)."""
    if not settings.llm_base_url:
        return None
    check_host(settings.llm_base_url, settings.llm_allowed_hosts)
    return _chat_openai(
        settings.llm_base_url,
        settings.llm_model or "default",
        settings.llm_api_key or "not-needed",
        settings.llm_timeout_s,
        settings.llm_max_retries,
    )


def _chat_openai(
    base_url: str, model: str, api_key: str, timeout: float, retries: int
) -> BaseChatModel:
    from langchain_openai import ChatOpenAI  # only the LLM path pays for the import

    return ChatOpenAI(
        base_url=base_url,
        model=model,
        api_key=SecretStr(api_key),
        timeout=timeout,
        max_retries=retries,
        temperature=0,
    )


def _bound(model: BaseChatModel, schema: type[BaseModel] | None, method: Method) -> Any:
    """The model asked for ``schema`` in the configured way (``bind`` works on every chat
    model, so fakes and ChatOpenAI take the same path)."""
    if schema is None:
        return model
    if method == "function_calling":
        from langchain_core.utils.function_calling import convert_to_openai_tool

        tool = convert_to_openai_tool(schema)
        choice = {"type": "function", "function": {"name": tool["function"]["name"]}}
        return model.bind(tools=[tool], tool_choice=choice)
    if method == "json_schema":
        spec = {"name": schema.__name__, "schema": schema.model_json_schema(), "strict": False}
        return model.bind(response_format={"type": "json_schema", "json_schema": spec})
    return model.bind(response_format={"type": "json_object"})


def _reply_text(message: BaseMessage) -> str:
    """The reply as text: a tool call's arguments as JSON, else the content."""
    from langchain_core.messages import AIMessage

    if isinstance(message, AIMessage) and message.tool_calls:
        return json.dumps(message.tool_calls[0]["args"], ensure_ascii=False)
    content = message.content
    if isinstance(content, str):
        return content
    return "".join(p if isinstance(p, str) else str(p.get("text", "")) for p in content)


def call(
    model: BaseChatModel,
    purpose: Purpose,
    system: str,
    user: str,
    *,
    schema: type[BaseModel] | None = None,
    method: Method = "json_mode",
) -> Call:
    """Send one system + user prompt; a dead endpoint becomes ``LLM_UNAVAILABLE``."""
    import httpx
    import openai
    from langchain_core.messages import HumanMessage, SystemMessage

    messages = [SystemMessage(system), HumanMessage(user)]
    try:
        message = _bound(model, schema, method).invoke(messages)
    except (openai.OpenAIError, httpx.HTTPError, OSError) as exc:
        raise ProviderError("LLM_UNAVAILABLE", error_class=type(exc).__name__) from exc
    reply = _reply_text(message)
    return Call(
        purpose=purpose,
        prompt=(system, user),
        reply=reply,
        prompt_tokens=count_messages((system, user)),
        completion_tokens=count_tokens(reply),
    )
