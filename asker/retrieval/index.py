"""The Chroma index: one persistent collection per vector space, upserted by stable id, and the
hybrid retriever over it (vector search fused with BM25 by reciprocal rank fusion).

Sync is idempotent: a document whose text and roles are unchanged is not written again, a changed
one is updated and one no longer built is deleted. Both sides of a search are filtered by role
(and kind) before anything is ranked: Chroma by a ``where`` on the ``roles`` list, the keyword
side by the same rule over the same stored documents.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from asker.pii import redact_pii
from asker.retrieval import keywords
from asker.retrieval.documents import Document
from asker.retrieval.embeddings import Embedder
from asker.types import DocKind, Hit

if TYPE_CHECKING:
    from chromadb.api import ClientAPI
    from chromadb.api.models.Collection import Collection

    from asker.retrieval import Retriever

INDEX_DIR = "index"
SCHEMA_VERSION = "v1"  # bump when the document layout changes: a new collection is built
BATCH = 256
POOL = 40  # candidates taken from each side before fusion
RRF_K = 60
Progress = Callable[[str], None]


@dataclass(frozen=True)
class SyncReport:
    added: int
    updated: int
    deleted: int
    unchanged: int


def collection_name(embedder: Embedder) -> str:
    return f"asker-{embedder.name}-{SCHEMA_VERSION}"


def open_client(path: Path) -> ClientAPI:
    """A persistent client with telemetry off; close it when done (it holds the files open)."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(
        path=str(path), settings=ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    )


def open_collection(client: ClientAPI, embedder: Embedder) -> Collection:
    """The collection for this embedder's vector space. No embedding function: vectors are
    always passed explicitly, so Chroma's downloading default is never used."""
    return client.get_or_create_collection(
        collection_name(embedder), embedding_function=None, metadata={"hnsw:space": "cosine"}
    )


def _metadata(doc: Document) -> dict[str, Any]:
    return {"kind": doc.kind, "key": doc.key, "roles": list(doc.roles), "digest": doc.digest}


def sync(
    path: Path, embedder: Embedder, documents: Sequence[Document], progress: Progress | None = None
) -> SyncReport:
    """Make the stored collection hold exactly ``documents``."""
    client = open_client(path)
    try:
        return _sync(open_collection(client, embedder), embedder, documents, progress)
    finally:
        client.close()  # type: ignore[attr-defined]  # Client has it; ClientAPI does not


def _sync(
    collection: Collection,
    embedder: Embedder,
    documents: Sequence[Document],
    progress: Progress | None,
) -> SyncReport:
    stored = collection.get(include=["metadatas"])
    metadatas = stored["metadatas"] or []
    digests = {i: (m or {}).get("digest") for i, m in zip(stored["ids"], metadatas, strict=True)}
    wanted = {d.id: d for d in documents}
    changed = [d for d in documents if digests.get(d.id) != d.digest]
    removed = sorted(set(digests) - set(wanted))
    for start in range(0, len(changed), BATCH):
        batch = changed[start : start + BATCH]
        collection.upsert(
            ids=[d.id for d in batch],
            documents=[d.text for d in batch],
            embeddings=embedder.embed([d.text for d in batch]),  # type: ignore[arg-type]
            metadatas=[_metadata(d) for d in batch],
        )
        if progress:
            progress(f"索引 indexing {min(start + BATCH, len(changed))}/{len(changed)}")
    if removed:
        collection.delete(ids=removed)
    added = sum(1 for d in changed if d.id not in digests)
    return SyncReport(added, len(changed) - added, len(removed), len(documents) - len(changed))


def stored_documents(collection: Collection) -> list[Document]:
    got = collection.get(include=["documents", "metadatas"])
    return [
        Document(i, m["kind"], str(m["key"]), text or "", tuple(m["roles"]))  # type: ignore[arg-type]
        for i, text, m in zip(
            got["ids"], got["documents"] or [], got["metadatas"] or [], strict=True
        )
        if m
    ]


class HybridRetriever:
    """Vector (Chroma) and keyword (BM25) rankings fused by reciprocal rank fusion."""

    def __init__(
        self,
        collection: Collection,
        embedder: Embedder,
        terms: Iterable[str] = (),
        cache_dir: Path | None = None,
    ) -> None:
        self.collection, self.embedder = collection, embedder
        self.documents = sorted(stored_documents(collection), key=lambda d: d.id)
        keywords.configure(cache_dir, terms)
        self.bm25 = keywords.BM25([keywords.tokens(d.text) for d in self.documents])
        self.by_id = {d.id: d for d in self.documents}

    def search(
        self, question: str, role: str, k: int = 8, kinds: Sequence[DocKind] | None = None
    ) -> list[Hit]:
        text = redact_pii(question)
        allowed = [
            i
            for i, d in enumerate(self.documents)
            if role in d.roles and (not kinds or d.kind in kinds)
        ]
        if not allowed or k <= 0:
            return []
        fused: dict[str, float] = {}
        for ranking in (
            self._vector(text, role, kinds, len(allowed)),
            self._keyword(text, allowed),
        ):
            for rank, doc_id in enumerate(ranking):
                fused[doc_id] = fused.get(doc_id, 0.0) + 1.0 / (RRF_K + rank + 1)
        best = sorted(fused.items(), key=lambda item: (-item[1], item[0]))[:k]
        return [
            self._hit(doc_id, score) for doc_id, score in best if role in self.by_id[doc_id].roles
        ]

    def _hit(self, doc_id: str, score: float) -> Hit:
        doc = self.by_id[doc_id]
        return Hit(id=doc.id, kind=doc.kind, key=doc.key, text=doc.text, score=round(score, 6))

    def _vector(
        self, text: str, role: str, kinds: Sequence[DocKind] | None, available: int
    ) -> list[str]:
        where: dict[str, Any] = {"roles": {"$contains": role}}
        if kinds:
            where = {"$and": [where, {"kind": {"$in": list(kinds)}}]}
        found = self.collection.query(
            query_embeddings=self.embedder.embed([text]),  # type: ignore[arg-type]
            n_results=min(POOL, available),
            where=where,
            include=[],
        )
        return [i for i in found["ids"][0] if i in self.by_id]

    def _keyword(self, text: str, allowed: list[int]) -> list[str]:
        scores = self.bm25.scores(keywords.tokens(text))
        ranked = sorted((i for i in allowed if scores[i] > 0), key=lambda i: (-scores[i], i))
        return [self.documents[i].id for i in ranked[:POOL]]


class LazyRetriever:
    """Opens the index on the first search: deterministic questions never load Chroma."""

    def __init__(self, load: Callable[[], Retriever]) -> None:
        self._load = load
        self._loaded: Retriever | None = None

    def search(
        self, question: str, role: str, k: int = 8, kinds: Sequence[DocKind] | None = None
    ) -> list[Hit]:
        if self._loaded is None:
            self._loaded = self._load()
        return self._loaded.search(question, role, k, kinds)
