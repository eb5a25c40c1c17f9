"""``asker api`` behind the bank's reverse proxy: a real ``asker api`` process whose only trusted
proxy is 127.0.0.2. Requests leave from 127.0.0.2 (the proxy) or 127.0.0.1 (anyone else on the
host); the signature is made with hmac here, as the proxy would (see tests/access).
The answer is checked against hand-written SQL and against ``asker ask`` for the same user."""

from __future__ import annotations

import json
import os
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from asker.warehouse.engine import DuckDBExecutor
from tests.access.test_trusted_header import SECRET, signed
from tests.helpers import ASKER, asker, copy_data_dir, result_diff, rows
from tests.http.conftest import Server, free_port, wait_until_up
from tests.http.test_http_api import DEPOSITS_BY_SUBBRANCH, comparable

PROXY = "127.0.0.2"
QUESTION = {"question": "各支行存款余额"}


@pytest.fixture(scope="module")
def proxied(tiny_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    data = copy_data_dir(tiny_dir, tmp_path_factory.mktemp("proxied") / "data")
    port = free_port()
    env = {
        **os.environ,
        "ASKER_TRUSTED_HEADER_PROXIES": json.dumps([PROXY]),
        "ASKER_TRUSTED_HEADER_SECRET": SECRET,
    }
    process = subprocess.Popen(
        [*ASKER, "api", "--data-dir", str(data), "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url, process)
        yield Server(url, data, {})
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)


@pytest.fixture(scope="module")
def behind_proxy(proxied: Server) -> str:
    return proxied.url


def client_from(address: str, url: str) -> httpx.Client:
    transport = httpx.HTTPTransport(local_address=address)
    return httpx.Client(base_url=url, transport=transport, timeout=120)


def test_the_proxys_signed_identity_answers_with_that_users_scope(
    behind_proxy: str, tiny_executor: DuckDBExecutor, tiny_dir: Path
) -> None:
    headers = signed("qin.yu", "asker-branch-managers", "B05", "秦雨")
    with client_from(PROXY, behind_proxy) as proxy:
        got = proxy.post("/v1/ask", json=QUESTION, headers=headers)
    assert got.status_code == 200, got.text
    answer = got.json()
    assert result_diff(answer["rows"], rows(tiny_executor, DEPOSITS_BY_SUBBRANCH)) is None
    assert answer["filters"], "the injected row scope is shown"


def test_the_same_answer_as_the_command_line_for_the_directory_user(
    proxied: Server,
) -> None:
    headers = signed("qin.yu", "asker-branch-managers", "B05", "秦雨")
    with client_from(PROXY, proxied.url) as proxy:
        answer = proxy.post("/v1/ask", json=QUESTION, headers=headers).json()
    # The header sign-in kept qin.yu's principal in the app database; the CLI acts as him.
    data = str(proxied.data_dir)
    done = asker(
        "ask", QUESTION["question"], "--user", "qin.yu", "--data-dir", data, "--format", "json"
    )
    assert done.returncode == 0, done.stderr
    assert comparable(answer) == comparable(json.loads(done.stdout))


def test_signed_headers_from_any_other_address_are_refused_even_with_a_forwarded_for(
    behind_proxy: str,
) -> None:
    headers = signed("qin.yu", "asker-branch-managers", "B05")
    spoofed = {**headers, "X-Forwarded-For": PROXY, "X-Real-IP": PROXY, "Forwarded": f"for={PROXY}"}
    with client_from("127.0.0.1", behind_proxy) as elsewhere:
        for sent in (headers, spoofed):
            got = elsewhere.post("/v1/ask", json=QUESTION, headers=sent)
            assert got.status_code == 401, got.text
            assert got.json()["code"] == "HEADER_REFUSED"
            assert "rows" not in got.json()


def test_a_bad_signature_or_an_edited_header_from_the_proxy_is_refused(behind_proxy: str) -> None:
    wrong_key = signed("qin.yu", "asker-hq-analysts", "HQ", secret="guessed")
    edited = signed("qin.yu", "asker-branch-managers", "B05")
    edited["X-Asker-Groups"] = "asker-hq-analysts"
    with client_from(PROXY, behind_proxy) as proxy:
        for sent in (wrong_key, edited):
            got = proxy.post("/v1/ask", json=QUESTION, headers=sent)
            assert got.status_code == 401, got.text
            assert got.json()["code"] == "HEADER_REFUSED"
            assert "signature" in got.json()["message_en"]


def test_a_header_without_its_signature_is_no_credential(behind_proxy: str) -> None:
    unsigned = {
        k: v
        for k, v in signed("qin.yu", "asker-hq-analysts", "HQ").items()
        if k != "X-Asker-Signature"
    }
    with client_from(PROXY, behind_proxy) as proxy:
        got = proxy.post("/v1/ask", json=QUESTION, headers=unsigned)
    assert got.status_code == 401
    assert got.json()["code"] == "CREDENTIALS_REQUIRED"


def test_a_server_without_trusted_proxies_refuses_signed_headers_by_name(
    server: Server,
) -> None:
    headers = signed("qin.yu", "asker-branch-managers", "B05")
    with server.client() as client:
        got = client.post("/v1/ask", json=QUESTION, headers=headers)
    assert got.status_code == 401
    assert got.json()["code"] == "HEADER_REFUSED"
    assert "not configured" in got.json()["message_en"]
