"""Retrieval: what the LLM path may put in a prompt, ranked for one question.

The index holds published metrics (name, synonyms, aliases, 口径, dimensions), glossary terms,
tables and columns with their Chinese comments, low-cardinality dimension values and reviewed
question->SQL examples. Every document names the roles that may see it; a search only returns
documents the asking role may see. No sample rows are ever indexed.

This module fixes the contract between the index (``asker.retrieval``) and the prompt builder
(``asker.sql``); the pipeline passes hits from one to the other. ``Hit`` lives in ``asker.types``
because both sides (peers that may not import each other) use it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol

from asker.types import DocKind, Hit

__all__ = ["DocKind", "Hit", "Retriever"]


class Retriever(Protocol):
    def search(
        self,
        question: str,
        role: str,
        k: int = 8,
        kinds: Sequence[DocKind] | None = None,
        *,
        orgs: Iterable[str] | None = None,
    ) -> list[Hit]:
        """The ``k`` best documents of ``kinds`` (all kinds when None) that ``role`` may see;
        with ``orgs`` (the principal's org units), other units' own names are left out."""
        ...
