"""The default configuration makes no network connection: sockets to anything but loopback and
every name lookup fail for the duration of these tests, and asker still answers."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import pytest

from asker import api
from asker.config import Settings
from tests import callers


class NetworkUsed(AssertionError):
    pass


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    attempts: list[Any] = []
    real_connect = socket.socket.connect

    def connect(self: socket.socket, address: Any) -> Any:
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and (
            host.startswith("127.") or host in ("::1", "localhost") or self.family == socket.AF_UNIX
        ):
            return real_connect(self, address)
        attempts.append(address)
        raise NetworkUsed(f"network connection attempted to {address!r}")

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        attempts.append(host)
        raise NetworkUsed(f"name lookup attempted for {host!r}")

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(
        socket,
        "create_connection",
        lambda *a, **k: attempts.append(a) or (_ for _ in ()).throw(NetworkUsed(str(a))),
    )
    return attempts


def test_asking_uses_no_network(no_network: list[Any], tiny_dir: Path) -> None:
    settings = Settings(data_dir=tiny_dir)
    api.login(callers.runtime(settings), "li.na", "asker-demo")
    for question in (
        "上个月各分行的存款余额",
        "NPL ratio by branch last quarter",
        "存款",
        "按支行拆开",
    ):
        answer = callers.ask(settings, None, question, conversation="offline")
        assert answer.status in ("ok", "clarify"), answer.message
    assert callers.explain(settings, None, "本季度不良率").status == "ok"
    assert callers.run_sql(settings, None, "SELECT COUNT(*) FROM dim_org").status == "ok"
    assert no_network == []


def test_building_a_data_dir_uses_no_network(no_network: list[Any], tmp_path: Path) -> None:
    api.init(Settings(data_dir=tmp_path / "data"), scale="tiny", seed=7)
    answer = callers.ask(Settings(data_dir=tmp_path / "data"), None, "各分行贷款余额")
    assert answer.status == "ok" and no_network == []
