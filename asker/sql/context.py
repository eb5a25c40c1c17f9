"""The context a prompt carries, ranked: from retrieval hits when there are any, else from
everything the role may see ranked by shared character bigrams with the question.

Every item is rendered from ``Visible`` (or is the text of a hit ``Visible`` allows), so nothing
the role may not see can reach a prompt; hits' text is PII-redacted once more on the way.

>>> sorted(bigrams("存款余额"))
['余额', '存款', '款余']
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from asker.pii import redact_pii
from asker.sql.visible import MetricView, TableView, Visible
from asker.types import Hit


@dataclass(frozen=True)
class Context:
    """Rendered lines per prompt section, best first."""

    metrics: tuple[str, ...] = ()
    dimensions: tuple[str, ...] = ()
    values: tuple[str, ...] = ()
    tables: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()
    from_retrieval: bool = False


def bigrams(text: str) -> set[str]:
    text = text.lower()
    return {text[i : i + 2] for i in range(len(text) - 1) if not text[i : i + 2].isspace()}


def _score(question: set[str], text: str) -> int:
    return len(question & bigrams(text))


def metric_line(m: MetricView) -> str:
    return f"{m.code} | {m.name} / {m.name_en} | {m.definition} | {', '.join(m.dimensions)}"


def table_block(t: TableView) -> str:
    lines = [f"{t.name} | {t.comment}"]
    for c in t.columns:
        note = "（脱敏 masked）" if c.masked else ""
        lines.append(f"  - {c.name} | {c.type} | {c.comment}{note}")
    return "\n".join(lines)


def _ranked(question: str, items: Sequence[tuple[str, str]]) -> tuple[str, ...]:
    """Lines ranked by how many bigrams their search text shares with the question."""
    q = bigrams(question)
    order = sorted(range(len(items)), key=lambda i: (-_score(q, items[i][0]), i))
    return tuple(items[i][1] for i in order)


def _dimensions(visible: Visible) -> tuple[str, ...]:
    return tuple(f"{code} | {name} / {name_en}" for code, name, name_en in visible.dimensions)


def _values(question: str, visible: Visible) -> tuple[str, ...]:
    return _ranked(question, [(label, f"{d} | {k} | {label}") for d, k, label in visible.values])


def everything(question: str, visible: Visible) -> Context:
    """No retriever (or it found nothing): every visible item, ranked simply."""
    metrics = _ranked(
        question,
        [(" ".join((*m.terms, m.definition)), metric_line(m)) for m in visible.metrics],
    )
    tables = _ranked(
        question,
        [(table_block(t), table_block(t)) for t in visible.tables],
    )
    return Context(
        metrics=metrics,
        dimensions=_dimensions(visible),
        values=_values(question, visible),
        tables=tables,
    )


def from_hits(question: str, hits: Sequence[Hit], visible: Visible) -> Context:
    """Retrieved documents, in their rank order, kept only when the role may see them; the
    metric and table sections fall back to every visible item after the retrieved ones."""
    allowed = [h for h in hits if visible.allows(h)]
    if not allowed:
        return everything(question, visible)
    metrics_by_code = {m.code: m for m in visible.metrics}
    tables_by_name = {t.name: t for t in visible.tables}
    metric_keys = [h.key for h in allowed if h.kind == "metric"]
    table_keys = [h.key.split(".")[0] for h in allowed if h.kind in ("table", "column")]
    base = everything(question, visible)
    metrics = [metric_line(metrics_by_code[k]) for k in dict.fromkeys(metric_keys)]
    tables = [
        table_block(tables_by_name[k]) for k in dict.fromkeys(table_keys) if k in tables_by_name
    ]
    glossary = [redact_pii(h.text) for h in allowed if h.kind == "glossary"]
    values = [redact_pii(h.text) for h in allowed if h.kind == "value"]
    return Context(
        metrics=tuple(dict.fromkeys([*metrics, *glossary, *base.metrics])),
        dimensions=base.dimensions,
        values=tuple(dict.fromkeys([*values, *base.values])),
        tables=tuple(dict.fromkeys([*tables, *base.tables])),
        examples=tuple(redact_pii(h.text) for h in allowed if h.kind == "example"),
        from_retrieval=True,
    )
