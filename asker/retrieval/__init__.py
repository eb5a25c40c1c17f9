"""Retrieval: what the LLM path may put in a prompt, ranked for one question.

The index holds published metrics (name, synonyms, aliases, 口径, dimensions), glossary terms,
tables and columns with their Chinese comments, low-cardinality dimension values and reviewed
question->SQL examples. Every document names the roles that may see it; a search only returns
documents the asking role may see. No sample rows are ever indexed.

This module fixes the contract between the index (``asker.retrieval``) and the prompt builder
(``asker.sql``); the pipeline passes hits from one to the other.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

DocKind = Literal["metric", "glossary", "table", "column", "value", "example"]


@dataclass(frozen=True)
class Hit:
    """One retrieved document.

    ``id`` is stable across rebuilds (``metric:deposit_balance``, ``table:fact_deposit``,
    ``column:fact_deposit.balance``, ``value:dim_org.org_name=成都分行``, ``example:<id>``);
    ``key`` is what it names (the metric, table, ``table.column``, example id); ``text`` is the
    prompt-safe text of the document.
    """

    id: str
    kind: DocKind
    key: str
    text: str
    score: float


class Retriever(Protocol):
    def search(
        self,
        question: str,
        role: str,
        k: int = 8,
        kinds: Sequence[DocKind] | None = None,
    ) -> list[Hit]:
        """The ``k`` best documents of ``kinds`` (all kinds when None) that ``role`` may see."""
        ...
