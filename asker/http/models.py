"""Request and response bodies of ``asker api``. Declared once: the OpenAPI document
(``docs/openapi.json``) is derived from them."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class QuestionBody(BaseModel):
    """``POST /v1/ask`` and ``/v1/explain``."""

    model_config = ConfigDict(extra="forbid")
    question: str = Field(min_length=1, description="用中文或英文提问 The question.")
    conversation_id: str | None = Field(
        default=None, max_length=64, description="Continue this conversation (follow-ups)."
    )


class SqlBody(BaseModel):
    """``POST /v1/sql``: one read-only SELECT through the same gate."""

    model_config = ConfigDict(extra="forbid")
    sql: str = Field(min_length=1)


class FeedbackBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    question: str = Field(min_length=1)
    sql: str | None = None
    rating: Literal[-1, 1] = Field(description="1 thumbs up, -1 thumbs down.")
    reason: str = Field(default="", max_length=2000)


class ExportBody(BaseModel):
    """``POST /v1/export``: the question (or the SQL statement) is run again for the caller."""

    model_config = ConfigDict(extra="forbid")
    question: str | None = None
    sql: str | None = None
    format: Literal["csv", "xlsx"] = "csv"


class SaveQuestionBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    question: str = Field(min_length=1)
    title: str = Field(default="", max_length=200)


class Labelled(BaseModel):
    label: str
    value: Any = None


class AnswerOut(BaseModel):
    """ARCHITECTURE §7's answer object, the same as ``asker ask --format json``."""

    model_config = ConfigDict(extra="allow")
    status: Literal["ok", "clarify", "refused", "error"]
    code: str | None
    message: str
    question: str
    language: Literal["zh", "en"]
    sql: str | None
    columns: list[str]
    rows: list[list[Any]]
    row_count: int
    truncated: bool
    as_of: str | None
    metrics: list[dict[str, Any]]
    filters: list[Labelled]
    masked_columns: list[Labelled]
    assumptions: list[str]
    choices: list[Labelled]
    elapsed_ms: float
    total_change: float | None = Field(
        default=None, description="an attribution's whole change (rows: its members)"
    )
    attribution: dict[str, Any] | None = Field(
        default=None, description="an attribution's metric, dimension, periods and totals"
    )


class ErrorOut(BaseModel):
    """An error that is not an answer: its code and its bilingual message."""

    status: Literal["refused", "error"]
    code: str
    message: str
    message_en: str


class MetricOut(BaseModel):
    model_config = ConfigDict(extra="allow")
    code: str
    name: str


class TurnOut(BaseModel):
    question: str
    asked_at: str


class ConversationOut(BaseModel):
    conversation_id: str
    turns: list[TurnOut]


class SavedQuestionOut(BaseModel):
    id: int
    title: str
    question: str
    shared_role: str | None
    mine: bool


class FeedbackOut(BaseModel):
    status: Literal["ok"] = "ok"


class ReadyOut(BaseModel):
    ready: bool
    parts: dict[str, bool]
