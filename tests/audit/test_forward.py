"""Audit forwarding to syslog, against UDP and TCP receivers this test starts: every audited
question arrives as an RFC 5424 message (parsed here by the RFC's grammar, not by asker) whose
MSG is the record's JSON, with the tiny bank customer's name, ID number and mobile nowhere in
the bytes; a collector that is down costs no answer and one log line."""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import socket
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from asker import api
from asker.audit.redact import AuditRecord
from asker.config import Settings
from asker.warehouse.engine import DuckDBExecutor
from tests.helpers import copy_data_dir, rows

# RFC 5424 §6: HEADER SP STRUCTURED-DATA [SP MSG]; MSG with a BOM is UTF-8.
SYSLOG = re.compile(
    rb"<(?P<pri>[0-9]{1,3})>1 (?P<ts>\S+) (?P<host>\S{1,255}) (?P<app>\S{1,48})"
    rb" (?P<procid>\S{1,128}) (?P<msgid>\S{1,32}) (?P<sd>-|(?:\[[^\]]*\])+)"
    rb" \xef\xbb\xbf(?P<msg>.*)\Z",
    re.DOTALL,
)


@pytest.fixture(scope="module")
def customer(tiny_executor: DuckDBExecutor) -> tuple[str, str, str]:
    """A real tiny-bank customer's name, ID number and mobile (through the shared executor: a
    process may open the DuckDB file with one configuration only)."""
    [found] = rows(
        tiny_executor,
        "SELECT cust_name, id_no, mobile FROM dim_customer"
        " WHERE cust_type = '个人' ORDER BY cust_id LIMIT 1",
    )
    return str(found[0]), str(found[1]), str(found[2])


@pytest.fixture
def data_dir(tiny_dir: Path, tmp_path: Path) -> Path:
    """A copy holding a record from before forwarding was set (as the shared tiny dir may)."""
    copy = copy_data_dir(tiny_dir, tmp_path / "data", "index")
    rt = api.open_runtime(Settings(data_dir=copy))
    try:
        rt.audit.append(AuditRecord("zhang.wei", "hq_analyst", "HQ", "ask", question="存款"))
    finally:
        rt.close()
    return copy


@pytest.fixture
def udp_receiver() -> Iterator[socket.socket]:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as receiver:
        receiver.bind(("127.0.0.1", 0))
        receiver.settimeout(30)
        yield receiver


class TcpReceiver:
    """Accepts connections and keeps every byte received until the sender closes."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.data = bytearray()
        self.closed = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        connection, _ = self.server.accept()
        with connection:
            while chunk := connection.recv(65536):
                self.data += chunk
        self.closed.set()

    def frames(self) -> list[bytes]:
        """RFC 6587 octet counting: MSG-LEN SP SYSLOG-MSG, one after another."""
        found, rest = [], bytes(self.data)
        while rest:
            length, _, rest = rest.partition(b" ")
            found.append(rest[: int(length)])
            rest = rest[int(length) :]
        return found


def ask_with_pii(settings: Settings, customer: tuple[str, str, str]) -> list[str]:
    """Two audited questions, one with the customer's PII; the runtime is closed (drained)."""
    name, id_no, mobile = customer
    rt = api.open_runtime(settings)
    try:
        who = api.local_user(rt, "zhang.wei")
        statuses = [
            api.ask(rt, who, "各分行的存款余额").status,
            api.ask(rt, who, f"客户{name}，证件号{id_no}，手机{mobile}，存款余额是多少").status,
        ]
    finally:
        rt.close()
    return statuses


def stored(data_dir: Path, after: int = 0) -> dict[int, tuple[str, str]]:
    """The audit rows past seq ``after`` (the copied tiny data dir may hold other tests')."""
    with closing(sqlite3.connect(data_dir / "app.db")) as db:
        found = db.execute("SELECT seq, action, mac FROM audit_log WHERE seq > ?", (after,))
        return {int(seq): (action, mac) for seq, action, mac in found}


def last_seq(data_dir: Path) -> int:
    return max(stored(data_dir), default=0)


def check(frames: list[bytes], data_dir: Path, after: int, customer: tuple[str, str, str]) -> None:
    rows = stored(data_dir, after)
    assert len(frames) == len(rows) >= 2
    for frame in frames:
        for value in customer:
            assert value.encode() not in frame, "raw PII left asker"
        parsed = SYSLOG.match(frame)
        assert parsed is not None, frame[:120]
        assert int(parsed["pri"]) // 8 == 13  # facility: log audit
        dt.datetime.fromisoformat(parsed["ts"].decode())
        assert parsed["app"] == b"asker"
        event: dict[str, Any] = json.loads(parsed["msg"].decode("utf-8"))
        assert (event["action"], event["mac"]) == rows[event["seq"]]
        assert parsed["msgid"].decode() == event["action"]
        assert event["user_id"] == "zhang.wei"
    questions = [json.loads(SYSLOG.match(f)["msg"])["question"] for f in frames]  # type: ignore[index]
    assert any("[证件号]" in q and "[手机号]" in q and "[姓名]" in q for q in questions)


def test_records_arrive_over_udp_without_raw_pii(
    data_dir: Path, udp_receiver: socket.socket, customer: tuple[str, str, str]
) -> None:
    port = udp_receiver.getsockname()[1]
    settings = Settings(data_dir=data_dir, audit_syslog_url=f"udp://127.0.0.1:{port}")
    before = last_seq(data_dir)
    ask_with_pii(settings, customer)
    frames = [udp_receiver.recv(65536) for _ in stored(data_dir, before)]
    check(frames, data_dir, before, customer)


def test_records_arrive_over_tcp_without_raw_pii(
    data_dir: Path, customer: tuple[str, str, str]
) -> None:
    receiver = TcpReceiver()
    port = receiver.server.getsockname()[1]
    settings = Settings(data_dir=data_dir, audit_syslog_url=f"tcp://127.0.0.1:{port}")
    before = last_seq(data_dir)
    ask_with_pii(settings, customer)  # closing the runtime closes the connection
    assert receiver.closed.wait(30)
    check(receiver.frames(), data_dir, before, customer)


def test_a_collector_that_is_down_costs_no_answer_and_one_log_line(
    data_dir: Path, customer: tuple[str, str, str], caplog: pytest.LogCaptureFixture
) -> None:
    with socket.socket() as unused:  # a port nothing listens on
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    settings = Settings(data_dir=data_dir, audit_syslog_url=f"tcp://127.0.0.1:{port}")
    before = last_seq(data_dir)
    rt = api.open_runtime(settings)
    caplog.set_level(logging.INFO, logger="asker.audit.forward")
    try:
        who = api.local_user(rt, "zhang.wei")
        name, id_no, mobile = customer
        for question in ("各分行的存款余额", f"客户{name}手机{mobile}证件{id_no}的存款"):
            assert api.ask(rt, who, question).status in ("ok", "refused", "clarify")
    finally:
        rt.close()
    assert rt.audit.forwarding_failures == len(stored(data_dir, before)) >= 2
    lines = [r.getMessage() for r in caplog.records if r.name == "asker.audit.forward"]
    assert len(lines) == 1 and "ConnectionRefusedError" in lines[0]
    assert not any(value in lines[0] for value in customer)
    assert api.open_runtime(settings).audit.verify().ok  # the database kept every record


def test_a_malformed_syslog_url_is_a_named_setting_error(data_dir: Path) -> None:
    from asker.errors import ConfigError

    with pytest.raises(ConfigError) as refused:
        api.open_runtime(Settings(data_dir=data_dir, audit_syslog_url="syslog.bank.local"))
    assert refused.value.code == "AUDIT_SYSLOG_URL_INVALID"
    assert "udp://" in refused.value.message("zh") and "udp://" in refused.value.message("en")
