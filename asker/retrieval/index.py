"""The Chroma index: one persistent collection per vector space, upserted by stable id, and the
hybrid retriever over it: a vector search, BM25 and whole-name matches fused by reciprocal rank
fusion, after the question's PII is redacted and its everyday words expanded. A glossary term found
lends score to the metrics it names; the result keeps a mix (no table's documents or metrics
crowding out the rest).

Sync is idempotent: a document whose text and roles are unchanged is not written again, a changed
one is updated and one no longer built is deleted. Both sides of a search are filtered by role
(and kind) before anything is ranked: Chroma by a ``where`` on the ``roles`` list, the keyword
side by the same rule over the same stored documents.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
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


INDEX_DIR = "index"
SCHEMA_VERSION = "v1"  # bump when the document layout changes: a new collection is built
BATCH = 256
POOL = 40  # candidates taken from each side before fusion
RRF_K = 60
WEIGHTS = {"vector": 1.0, "keyword": 1.5, "name": 1.0}  # per ranking in the fusion
LINK_SHARE = 0.5  # of a glossary term's score given to each metric it names
GROUP_CAP = {"metric": 4, "glossary": 0, "example": 1}  # glossary: a signal, shown by kind
TABLE_CAP = 2  # documents about any one table
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
    meta: dict[str, Any] = {"kind": doc.kind, "key": doc.key, "roles": list(doc.roles)}
    meta["digest"] = doc.digest
    meta |= {"names": list(doc.names)} if doc.names else {}  # Chroma refuses empty lists
    meta |= {"org_scoped": doc.orgs is not None}
    return meta | ({"orgs": list(doc.orgs)} if doc.orgs else {})


def sync(
    path: Path, embedder: Embedder, documents: Sequence[Document], progress: Progress | None = None
) -> SyncReport:
    """Make the stored collection hold exactly ``documents``."""
    client = open_client(path)
    try:
        for stale in client.list_collections():  # another vector space or document layout
            if stale.name.startswith("asker-") and stale.name != collection_name(embedder):
                client.delete_collection(stale.name)
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
    metadatas = got["metadatas"] or []
    return [
        _stored(i, text or "", dict(m))
        for i, text, m in zip(got["ids"], got["documents"] or [], metadatas, strict=True)
        if m
    ]


def _stored(doc_id: str, text: str, meta: dict[str, Any]) -> Document:
    names = tuple(str(n) for n in meta.get("names") or ())
    roles = tuple(str(r) for r in meta["roles"])
    orgs = tuple(str(o) for o in meta.get("orgs") or ()) if meta.get("org_scoped") else None
    return Document(doc_id, meta["kind"], str(meta["key"]), text, roles, names, orgs)


def expand(text: str, expansions: Sequence[tuple[str, str]]) -> str:
    """The question with the bank's words added after the everyday words it uses."""
    lowered = text.lower()
    extra = [bank for everyday, bank in expansions if everyday in lowered]
    return " ".join([text, *extra])


def _group(doc: Document) -> str:
    """Documents about one table (its columns, its values) or the glossary form a group."""
    if doc.kind in ("table", "column", "value"):
        return "table:" + doc.key.split(".", 1)[0]
    return doc.kind


def diversified(ranked: list[tuple[Document, float]], k: int) -> list[tuple[Document, float]]:
    """The best ``k``, with at most GROUP_CAP from one group before any other document is
    passed over: a prompt needs the metric, its tables and values, not five values of one
    column."""
    chosen: list[tuple[Document, float]] = []
    deferred: list[tuple[Document, float]] = []
    seen: dict[str, int] = {}
    for doc, score in ranked:
        group = _group(doc)
        if seen.get(group, 0) >= GROUP_CAP.get(group, TABLE_CAP):
            deferred.append((doc, score))
            continue
        seen[group] = seen.get(group, 0) + 1
        chosen.append((doc, score))
        if len(chosen) == k:
            return chosen
    return (chosen + deferred)[:k]


def _in_scope(doc: Document, orgs: frozenset[str] | None) -> bool:
    return orgs is None or doc.orgs is None or not orgs.isdisjoint(doc.orgs)


class HybridRetriever:
    """Vector (Chroma) and keyword (BM25) rankings fused by reciprocal rank fusion."""

    def __init__(
        self,
        collection: Collection,
        embedder: Embedder,
        *,
        terms: Iterable[str] = (),
        expansions: Sequence[tuple[str, str]] = (),
        links: Mapping[str, Sequence[str]] | None = None,
    ) -> None:
        self.collection, self.embedder = collection, embedder
        self.documents = sorted(stored_documents(collection), key=lambda d: d.id)
        self.words = keywords.segmenter(terms)
        self.bm25 = keywords.BM25([keywords.tokens(d.text, self.words) for d in self.documents])
        self.by_id = {d.id: d for d in self.documents}
        self.expansions = tuple(expansions)
        self.links = {k: tuple(v) for k, v in (links or {}).items()}

    def search(
        self,
        question: str,
        role: str,
        k: int = 8,
        kinds: Sequence[DocKind] | None = None,
        *,
        orgs: Iterable[str] | None = None,
    ) -> list[Hit]:
        """As ``Retriever.search``; ``orgs``, the principal's org units in scope, also drops the
        org units' own values outside them (None: the role's view, no org scope)."""
        text = redact_pii(question)
        scope = None if orgs is None else frozenset(orgs)
        allowed = [
            i
            for i, d in enumerate(self.documents)
            if role in d.roles and (not kinds or d.kind in kinds) and _in_scope(d, scope)
        ]
        if not allowed or k <= 0:
            return []
        text = expand(text, self.expansions)
        fused: dict[str, float] = {}
        rankings = (
            (WEIGHTS["vector"], self._vector(text, role, kinds, allowed)),
            (WEIGHTS["keyword"], self._keyword(text, allowed)),
            (WEIGHTS["name"], self._named(text, allowed)),
        )
        for weight, ranking in rankings:
            for rank, doc_id in enumerate(ranking):
                fused[doc_id] = fused.get(doc_id, 0.0) + weight / (RRF_K + rank + 1)
        self._follow_links(fused, role, kinds)
        ranked = sorted(fused.items(), key=lambda item: (-item[1], item[0]))
        best = diversified([(self.by_id[i], score) for i, score in ranked], k)
        return [
            self._hit(doc.id, score)
            for doc, score in best
            if role in doc.roles and _in_scope(doc, scope)
        ]

    def _follow_links(
        self, fused: dict[str, float], role: str, kinds: Sequence[DocKind] | None
    ) -> None:
        """A glossary term found lends part of its score to the metrics it names."""
        for glossary_id, score in list(fused.items()):
            for target in self.links.get(glossary_id, ()):
                doc = self.by_id.get(target)
                if doc and role in doc.roles and (not kinds or doc.kind in kinds):
                    fused[target] = fused.get(target, 0.0) + LINK_SHARE * score

    def _hit(self, doc_id: str, score: float) -> Hit:
        doc = self.by_id[doc_id]
        return Hit(id=doc.id, kind=doc.kind, key=doc.key, text=doc.text, score=round(score, 6))

    def _vector(
        self, text: str, role: str, kinds: Sequence[DocKind] | None, allowed: list[int]
    ) -> list[str]:
        where: dict[str, Any] = {"roles": {"$contains": role}}
        if kinds:
            where = {"$and": [where, {"kind": {"$in": list(kinds)}}]}
        visible = sum(
            1 for d in self.documents if role in d.roles and (not kinds or d.kind in kinds)
        )
        found = self.collection.query(
            query_embeddings=self.embedder.embed([text]),  # type: ignore[arg-type]
            n_results=min(POOL, visible),
            where=where,
            include=[],
        )
        keep = {self.documents[i].id for i in allowed}
        return [i for i in found["ids"][0] if i in keep]

    def _named(self, text: str, allowed: list[int]) -> list[str]:
        """Documents one of whose names occurs in the question, longest name first."""
        # "审批通过的笔数" names 审批通过笔数; "risk level" names risk_level
        forms = (text.lower(), text.lower().replace("的", ""))
        found = []
        for i in allowed:
            names = self.documents[i].names
            lengths = [len(n) for n in names if any(n.replace("_", " ") in f for f in forms)]
            if lengths:
                found.append((-max(lengths), self.documents[i].id))
        return [doc_id for _, doc_id in sorted(found)[:POOL]]

    def _keyword(self, text: str, allowed: list[int]) -> list[str]:
        scores = self.bm25.scores(keywords.tokens(text, self.words))
        ranked = sorted((i for i in allowed if scores[i] > 0), key=lambda i: (-scores[i], i))
        return [self.documents[i].id for i in ranked[:POOL]]
