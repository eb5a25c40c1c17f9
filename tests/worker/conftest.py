"""Real local servers for the worker's deliveries: an SMTP server (aiosmtpd) that keeps every
mail it receives, and an HTTP server that keeps every webhook body (answering with the statuses
a test scripts). Both listen on loopback ports of their own."""

from __future__ import annotations

import email
import email.policy
import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from asker.warehouse.datadir import MANIFEST
from tests.helpers import copy_data_dir


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class MailSink:
    """What the SMTP server received: (envelope recipients, parsed message)."""

    port: int = 0
    mails: list[tuple[tuple[str, ...], EmailMessage]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.mails.append((tuple(envelope.rcpt_tos), message))  # type: ignore[arg-type]
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        with self.lock:
            return [m for rcpt, m in self.mails if address in rcpt]


def html_of(message: EmailMessage) -> str:
    part = message.get_body(("html",))
    assert part is not None
    return str(part.get_content())  # type: ignore[attr-defined]


@pytest.fixture
def smtp() -> Iterator[MailSink]:
    sink = MailSink(port=free_port())
    controller = Controller(sink, hostname="127.0.0.1", port=sink.port)
    controller.start()
    yield sink
    controller.stop()


@dataclass
class WebhookSink:
    """Bodies posted to the server; ``statuses`` are answered in turn (then 200)."""

    port: int = 0
    bodies: list[dict[str, Any]] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/cgi-bin/webhook/send?key=k1"


@pytest.fixture
def webhook() -> Iterator[WebhookSink]:
    sink = WebhookSink()

    class Robot(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            status = sink.statuses.pop(0) if sink.statuses else 200
            sink.bodies.append({"status": status, "body": body})
            reply = json.dumps({"errcode": 0 if status == 200 else 500, "errmsg": "ok"}).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Robot)
    sink.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield sink
    server.shutdown()
    server.server_close()


@pytest.fixture
def data_dir(tiny_dir: Path, tmp_path: Path) -> Path:
    """A writable copy of the tiny demo bank (the worker writes to its app database), its app
    database as built: the shared one holds what other tests did minutes ago (refused statements
    among them), which the anomaly rules would count as this test's users' use."""
    return copy_data_dir(tiny_dir, tmp_path / "data", as_built=True)


def move_data_date(data_dir: Path, day: str) -> None:
    """Move the data dir's data date, as the warehouse's next load would."""
    path = data_dir / MANIFEST
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest["data_date"] = day
    path.write_text(json.dumps(manifest), encoding="utf-8")
