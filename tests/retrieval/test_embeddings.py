"""Embeddings: the offline default is deterministic and needs nothing; the OpenAI-compatible
option goes through the real ``openai`` client to a local HTTP server started here, only when
its host is on the allow-list."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from asker.config import Settings
from asker.errors import ConfigError, ProviderError
from asker.retrieval.embeddings import HashingEmbedder, OpenAIEmbedder, embedder_for


def test_hashing_embedder_is_deterministic_and_normalised() -> None:
    a, b, c = HashingEmbedder().embed(["存款余额", "存款余额", "deposit balance"])
    assert a == b and a != c
    assert abs(sum(x * x for x in a) - 1.0) < 1e-9
    assert len(a) == 4096


def _vector(text: str) -> list[float]:
    return [float(len(text)), float(sum(map(ord, text)) % 97), 1.0]


class _Server:
    def __init__(self, statuses: list[int]) -> None:
        self.requests: list[dict[str, Any]] = []
        self.statuses = statuses
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                owner.requests.append(
                    {"path": self.path, "body": body, "auth": self.headers["Authorization"]}
                )
                status = owner.statuses.pop(0) if owner.statuses else 200
                if status != 200:
                    self.send_response(status)
                    self.end_headers()
                    return
                # a vector that depends on the text only; items sent back in reverse order
                data = [
                    {"object": "embedding", "index": i, "embedding": _vector(t)}
                    for i, t in reversed(list(enumerate(body["input"])))
                ]
                payload = json.dumps(
                    {
                        "object": "list",
                        "data": data,
                        "model": body["model"],
                        "usage": {"prompt_tokens": 1, "total_tokens": 1},
                    }
                ).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"


@pytest.fixture
def server() -> Iterator[_Server]:
    srv = _Server([])
    thread = threading.Thread(target=srv.httpd.serve_forever, daemon=True)
    thread.start()
    yield srv
    srv.httpd.shutdown()
    srv.httpd.server_close()


def test_openai_compatible_endpoint_through_the_real_client(server: _Server) -> None:
    settings = Settings(
        embeddings_base_url=server.url,
        embeddings_model="bge-m3",
        embeddings_api_key="k-test",
        embeddings_allowed_hosts=("127.0.0.1",),
    )
    embedder = embedder_for(settings)
    assert isinstance(embedder, OpenAIEmbedder)
    # 存 U+5B58, 款 U+6B3E: (23384 + 27454) % 97 = 10
    assert embedder.embed(["存款", "不良贷款率"]) == [[2.0, 10.0, 1.0], _vector("不良贷款率")]
    request = server.requests[0]
    assert request["path"] == "/v1/embeddings"
    assert request["body"]["model"] == "bge-m3"
    assert request["body"]["input"] == ["存款", "不良贷款率"]
    assert request["auth"] == "Bearer k-test"


def test_a_500_then_200_is_retried_and_a_dead_endpoint_is_a_provider_error(server: _Server) -> None:
    server.statuses[:] = [500]
    embedder = OpenAIEmbedder(server.url, "m", "k", timeout_s=5, max_retries=1)
    assert embedder.embed(["x"]) == [[1.0, float(ord("x") % 97), 1.0]]
    server.statuses[:] = [500, 500]
    with pytest.raises(ProviderError) as caught:
        embedder.embed(["x"])
    assert caught.value.code == "EMBEDDINGS_FAILED"


def test_an_endpoint_off_the_allow_list_is_refused_before_any_call(server: _Server) -> None:
    for allowed in ((), ("example.com",)):
        settings = Settings(embeddings_base_url=server.url, embeddings_allowed_hosts=allowed)
        with pytest.raises(ConfigError) as caught:
            embedder_for(settings)
        assert caught.value.code == "EMBEDDINGS_HOST_NOT_ALLOWED"
    assert server.requests == []


def test_the_default_is_the_offline_embedder() -> None:
    assert embedder_for(Settings()) == HashingEmbedder()
