"""What a metric answer cites besides its rows, and the metric references it carries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from asker.semantic.model import Metric
from asker.types import Labelled, Language, MetricQuery, MetricRef, Period


@dataclass(frozen=True)
class MetricAnswerParts:
    """Everything a metric answer cites besides its rows; ``query`` is the compiled query (its
    period resolved), whose shape decides the answer's columns and presentation."""

    question: str
    language: Language
    metrics: tuple[Metric, ...]
    versions: dict[str, int]
    period: Period
    filters: tuple[Labelled, ...]
    assumptions: tuple[str, ...]
    choices: tuple[Labelled, ...]
    sql: str
    as_of: dt.date
    query: MetricQuery
    masked: tuple[Labelled, ...] = ()
    dimension_names: dict[str, tuple[str, str]] | None = None
    compared: tuple[Period, ...] = ()  # the compiled comparison period of each bucket


def metric_refs(parts: MetricAnswerParts) -> tuple[MetricRef, ...]:
    """The governed definitions the answer used, in the question's language."""
    zh = parts.language == "zh"
    return tuple(
        MetricRef(
            code=m.code,
            name=m.name if zh else m.name_en,
            definition=m.definition if zh else m.definition_en,
            version=parts.versions.get(m.code),
            unit=m.unit,
            format=m.format,
            higher_is_better=m.higher_is_better,
        )
        for m in parts.metrics
    )
