"""``asker api`` as the portal meets it: a real ``asker api`` process on a loopback port over a
private copy of the tiny bank, tokens issued by ``asker tokens create`` (the CLI, its last line),
and httpx. ``local_server`` runs the same application in this process under uvicorn, for
settings a test needs of its own (a rate limit of one, a data dir without its index)."""

from __future__ import annotations

import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import uvicorn

from asker import api
from asker.config import Settings
from asker.http.app import create_app
from tests.helpers import ASKER, copy_data_dir

USERS = ("li.na", "liu.yang", "chen.jie", "sun.li", "zhang.wei")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until_up(url: str, process: subprocess.Popen[bytes] | None = None) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise AssertionError(f"the server exited with {process.returncode}")
        try:
            if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{url} did not come up")


def issue_token(data_dir: Path, user: str) -> str:
    """A token for ``user`` through the facade (tests/http/test_tokens.py runs the CLI's)."""
    rt = api.open_runtime(Settings(data_dir=data_dir))
    try:
        return api.create_token(rt, user)[0].token
    finally:
        rt.close()


@dataclass(frozen=True)
class Server:
    url: str
    data_dir: Path
    tokens: dict[str, str]

    def client(self, user: str | None = None, **headers: str) -> httpx.Client:
        if user is not None:
            headers["Authorization"] = f"Bearer {self.tokens[user]}"
        return httpx.Client(base_url=self.url, headers=headers, timeout=120)


@pytest.fixture(scope="session")
def api_data(tiny_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_data_dir(tiny_dir, tmp_path_factory.mktemp("api") / "data")


@pytest.fixture(scope="session")
def server(api_data: Path) -> Iterator[Server]:
    """``asker api`` in its own process, stopped with SIGTERM at the end."""
    tokens = {user: issue_token(api_data, user) for user in USERS}
    port = free_port()
    process = subprocess.Popen(
        [*ASKER, "api", "--data-dir", str(api_data), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url, process)
        yield Server(url, api_data, tokens)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)


@contextmanager
def local_server(settings: Settings) -> Iterator[str]:
    """The application over ``settings`` under uvicorn in a thread, on a loopback port."""
    rt = api.open_runtime(settings)
    port = free_port()
    config = uvicorn.Config(create_app(rt), host="127.0.0.1", port=port, log_level="warning")
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url)
        yield url
    finally:
        running.should_exit = True
        thread.join(timeout=30)
