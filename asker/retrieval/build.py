"""Build or refresh the index from the published dictionary, the catalog, dimension values, the
shipped glossary and examples (plus reviewed examples the caller passes), and open a retriever.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from asker.retrieval.documents import Grants, build_documents
from asker.retrieval.embeddings import Embedder
from asker.retrieval.index import (
    HybridRetriever,
    Progress,
    SyncReport,
    open_client,
    open_collection,
    sync,
)
from asker.retrieval.seeds import Example, load_examples, load_expansions, load_glossary
from asker.semantic.model import Dictionary
from asker.warehouse.catalog import Catalog


def rebuild(
    path: Path,
    embedder: Embedder,
    dictionary: Dictionary,
    catalog: Catalog,
    grants: Grants,
    *,
    values: Sequence[tuple[str, str, str]] = (),
    examples: Sequence[Example] = (),
    progress: Progress | None = None,
) -> SyncReport:
    """Make the index at ``path`` match what these inputs describe (idempotent)."""
    documents = build_documents(
        dictionary,
        catalog,
        grants,
        values=values,
        glossary=load_glossary(),
        examples=(*load_examples(), *examples),
    )
    return sync(path, embedder, documents, progress)


def metric_terms(dictionary: Dictionary) -> tuple[str, ...]:
    """Every word naming a metric or a dimension: whole words for the keyword tokenizer."""
    dims = (t for d in dictionary.dimensions for t in (d.name, *d.synonyms))
    return (*(t for m in dictionary.metrics for t in m.terms), *dims)


def open_retriever(path: Path, embedder: Embedder, dictionary: Dictionary) -> HybridRetriever:
    collection = open_collection(open_client(path), embedder)
    return HybridRetriever(
        collection,
        embedder,
        terms=metric_terms(dictionary),
        expansions=load_expansions(),
        links={f"glossary:{t.term}": [f"metric:{m}" for m in t.metrics] for t in load_glossary()},
    )
