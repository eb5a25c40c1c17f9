"""Embeddings behind one Protocol: an offline default that downloads nothing, and any
OpenAI-compatible embeddings endpoint for production. Chroma's own default embedding function
(which downloads a model) is never used: the index passes vectors explicitly.

>>> vectors = HashingEmbedder().embed(["存款余额", "存款余额", "不良贷款率"])
>>> len(vectors[0]), vectors[0] == vectors[1], vectors[0] == vectors[2]
(4096, True, False)
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlparse

from asker.config import Settings
from asker.errors import ConfigError, ProviderError


class Embedder(Protocol):
    @property
    def name(self) -> str:
        """Names the vector space: a different name means a different (versioned) collection."""
        ...

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        """One vector per text, in order."""
        ...


@dataclass(frozen=True)
class HashingEmbedder:
    """Hashed character 2-3-grams (scikit-learn's HashingVectorizer), L2-normalised: no model,
    no download, the same vector for the same text on every machine."""

    features: int = 4096
    ngrams: tuple[int, int] = (2, 3)

    @property
    def name(self) -> str:
        low, high = self.ngrams
        return f"hash{self.features}-c{low}{high}"

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        from sklearn.feature_extraction.text import HashingVectorizer

        vectorizer = HashingVectorizer(
            analyzer="char_wb",
            ngram_range=self.ngrams,
            n_features=self.features,
            alternate_sign=False,
            norm="l2",
            lowercase=True,
        )
        matrix = vectorizer.transform([_plain(t) for t in texts])
        return [[float(x) for x in row] for row in matrix.toarray()]


def _plain(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@dataclass(frozen=True)
class OpenAIEmbedder:
    """Any OpenAI-compatible ``/embeddings`` endpoint (bge-m3 on vLLM, Xinference, Ollama, ...)."""

    base_url: str
    model: str
    api_key: str
    timeout_s: float = 30.0
    max_retries: int = 1

    @property
    def name(self) -> str:
        return "api-" + re.sub(r"[^a-zA-Z0-9._-]+", "-", self.model)[:60]

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        import openai

        client = openai.OpenAI(
            base_url=self.base_url,
            api_key=self.api_key,
            timeout=self.timeout_s,
            max_retries=self.max_retries,
        )
        try:
            reply = client.embeddings.create(model=self.model, input=list(texts))
        except openai.OpenAIError as error:
            raise ProviderError(
                "EMBEDDINGS_FAILED", url=self.base_url, error_class=type(error).__name__
            ) from error
        ordered = sorted(reply.data, key=lambda item: item.index)
        return [[float(x) for x in item.embedding] for item in ordered]


def check_host(url: str, allowed: Sequence[str]) -> None:
    """Refuse an endpoint whose host is not on the allow-list (fail closed: empty allows none)."""
    host = (urlparse(url).hostname or "").lower()
    if host not in {h.lower() for h in allowed}:
        raise ConfigError("EMBEDDINGS_HOST_NOT_ALLOWED", url=url, host=host or "?")


def embedder_for(settings: Settings) -> Embedder:
    """The configured embedder: the offline default unless an endpoint URL is set."""
    if not settings.embeddings_base_url:
        return HashingEmbedder()
    check_host(settings.embeddings_base_url, settings.embeddings_allowed_hosts)
    return OpenAIEmbedder(
        base_url=settings.embeddings_base_url,
        model=settings.embeddings_model,
        api_key=settings.embeddings_api_key or "not-needed",
        timeout_s=settings.embeddings_timeout_s,
    )
