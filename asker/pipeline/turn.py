"""The turn a question makes through the pipeline, and the services its steps read."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy import Engine

from asker.access.policy import Policy
from asker.access.scope import OrgDirectory
from asker.appstate.conversations import Conversations
from asker.config import Settings
from asker.retrieval import Retriever
from asker.semantic.compiler import CompiledQuery, Compiler
from asker.semantic.model import Dictionary
from asker.sql.turn import LlmTurn
from asker.types import (
    Answer,
    GatedQuery,
    Language,
    MetricQuery,
    Principal,
    QueryResult,
    Understanding,
)
from asker.understand.parser import Context
from asker.warehouse.deadline import Deadline
from asker.warehouse.engine import Executor

if TYPE_CHECKING:
    from asker.pipeline.concurrency import UserSlots
    from asker.pipeline.scoped_words import ScopedContexts


@dataclass(frozen=True)
class Services:
    """What the steps read: built once per process and published dictionary version."""

    settings: Settings
    dictionary: Dictionary
    versions: dict[str, int]
    compiler: Compiler
    context: Context
    executor: Executor
    conversations: Conversations
    value_labels: dict[tuple[str, str], str]
    data_date: date
    policy: Policy
    orgs: OrgDirectory
    app_db: Engine  # rate limits, token quotas, verified examples
    retriever: Retriever | None = None
    chat_model: Any = None  # a langchain chat model overriding the configured endpoint
    slots: UserSlots | None = None  # per-user concurrency cap (None: uncapped)
    scoped: ScopedContexts | None = None  # the parser's words per scope (None: one for all)

    def context_for(self, orgs: frozenset[str] | None) -> Context:
        """The parser's context for a principal who sees ``orgs`` (None: every unit)."""
        return self.context if self.scoped is None else self.scoped.for_orgs(orgs)


@dataclass(frozen=True)
class Turn:
    question: str
    user_id: str
    conversation_id: str | None = None
    language: Language = "zh"
    principal: Principal | None = None
    understanding: Understanding | None = None
    query: MetricQuery | None = None
    compiled: CompiledQuery | None = None
    gated: GatedQuery | None = None
    sql: str | None = None
    result: QueryResult | None = None
    answer: Answer | None = None
    timings: dict[str, float] = field(default_factory=dict)
    route: Literal["dictionary", "llm"] = "dictionary"
    llm: LlmTurn | None = None
    flags: tuple[str, ...] = ()  # audit flags (e.g. prompt_injection)
    deadline: Deadline | None = None  # one deadline over the gate and the execution


Step = Callable[[Turn, Services], Turn]
