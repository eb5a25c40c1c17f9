"""One contract for every embedder (the offline default and the OpenAI-compatible adapter against
a local server), and the question that reaches an embedder carries no PII."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import pytest

from asker.retrieval.build import open_retriever
from asker.retrieval.embeddings import Embedder, HashingEmbedder, OpenAIEmbedder
from asker.retrieval.index import open_client, open_collection
from tests.retrieval.conftest import TinyIndex
from tests.retrieval.test_embeddings import _Server


class EmbedderContract:
    """Subclass with an ``embedder`` fixture."""

    def test_one_vector_per_text_all_of_one_size(self, embedder: Embedder) -> None:
        vectors = embedder.embed(["存款余额", "NPL ratio", "各分行的不良贷款率是多少"])
        assert len(vectors) == 3
        assert len({len(v) for v in vectors}) == 1 and len(vectors[0]) > 0
        assert all(isinstance(x, float) for v in vectors for x in v)

    def test_same_text_same_vector_and_order_kept(self, embedder: Embedder) -> None:
        a = embedder.embed(["贷款", "存款"])
        b = embedder.embed(["存款", "贷款"])
        assert a[0] == b[1] and a[1] == b[0]

    def test_name_is_a_valid_collection_name_part(self, embedder: Embedder) -> None:
        assert embedder.name and all(c.isalnum() or c in "._-" for c in embedder.name)


class TestHashingEmbedder(EmbedderContract):
    @pytest.fixture
    def embedder(self) -> Embedder:
        return HashingEmbedder()


class TestOpenAIEmbedder(EmbedderContract):
    @pytest.fixture
    def embedder(self, server: _Server) -> Embedder:
        return OpenAIEmbedder(server.url, "bge-m3", "k", timeout_s=5)


@pytest.fixture
def server() -> Iterator[_Server]:
    import threading

    srv = _Server([])
    thread = threading.Thread(target=srv.httpd.serve_forever, daemon=True)
    thread.start()
    yield srv
    srv.httpd.shutdown()
    srv.httpd.server_close()


@dataclass
class RecordingEmbedder:
    """The offline embedder, remembering every text it was asked to embed."""

    seen: list[str] = field(default_factory=list)
    inner: HashingEmbedder = field(default_factory=HashingEmbedder)

    @property
    def name(self) -> str:
        return self.inner.name

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        self.seen += list(texts)
        return self.inner.embed(texts)


def test_the_question_reaches_the_embedder_without_pii(tiny_index: TinyIndex) -> None:
    recorder = RecordingEmbedder()
    retriever = open_retriever(tiny_index.path, HashingEmbedder(), tiny_index.dictionary)
    retriever.embedder = recorder
    question = "客户 11010119900307123X 手机 13812345678 卡号 6222021234567890123 的存款余额"
    hits = retriever.search(question, "hq_analyst", k=5)
    assert hits
    assert recorder.seen and all(
        "11010119900307123X" not in t and "13812345678" not in t and "6222021234567890123" not in t
        for t in recorder.seen
    )
    assert "[证件号]" in recorder.seen[0]


def test_vectors_are_passed_explicitly_no_chroma_embedding_function(
    tiny_index: TinyIndex,
) -> None:
    client = open_client(tiny_index.path)
    try:
        collection = open_collection(client, HashingEmbedder())
        assert collection.configuration.get("embedding_function") is None
        assert collection.count() > 100
    finally:
        client.close()  # type: ignore[attr-defined]
