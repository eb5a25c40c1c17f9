"""What the model may answer to the NL2MQL prompt (pydantic at the edge), and its MetricQuery.

>>> reply = Plan.model_validate({"action": "metric_query",
...     "query": {"metrics": ["npl_ratio"], "dimensions": ["branch"]}})
>>> reply.metric_query().dimensions
('branch',)
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from asker.types import Filter, MetricQuery, Period

Action = Literal["metric_query", "needs_sql", "clarify", "not_answerable"]


class FilterOut(BaseModel):
    model_config = ConfigDict(extra="ignore")
    dimension: str
    values: list[str] = Field(min_length=1)
    exclude: bool = False


class MetricQueryOut(BaseModel):
    model_config = ConfigDict(extra="ignore")
    metrics: list[str] = Field(min_length=1)
    dimensions: list[str] = []
    filters: list[FilterOut] = []
    start: dt.date | None = None
    end: dt.date | None = None
    grain: Literal["day", "month", "quarter", "year"] | None = None
    compare: Literal["yoy", "mom", "ytd"] | None = None
    order: Literal["asc", "desc"] | None = None
    limit: int | None = Field(default=None, gt=0)


class Plan(BaseModel):
    """The model's reply to the NL2MQL prompt."""

    model_config = ConfigDict(extra="ignore")
    action: Action
    query: MetricQueryOut | None = None
    question: str | None = None
    choices: list[str] = []
    reason: str = ""

    @model_validator(mode="after")
    def _query_when_needed(self) -> Plan:
        if self.action == "metric_query" and self.query is None:
            raise ValueError("action metric_query needs a query")
        return self

    def metric_query(self) -> MetricQuery:
        if self.query is None:
            raise ValueError("action metric_query needs a query")
        q = self.query
        period = None
        if q.start and q.end:
            period = Period(q.start, q.end)
        return MetricQuery(
            metrics=tuple(q.metrics),
            dimensions=tuple(q.dimensions),
            filters=tuple(Filter(f.dimension, tuple(f.values), f.exclude) for f in q.filters),
            period=period,
            grain=q.grain,
            compare=q.compare,
            order=q.order,
            limit=q.limit,
        )


ORG_DIMENSIONS = ("branch", "subbranch")


def named_orgs(query: MetricQuery) -> tuple[str, ...]:
    """The org units a query's filters name (their scope is checked like a question's)."""
    return tuple(v for f in query.filters if f.dimension in ORG_DIMENSIONS for v in f.values)
