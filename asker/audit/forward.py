"""Audit forwarding: every record also goes to the bank's syslog collector (its SIEM), as one
RFC 5424 message whose MSG is the record's JSON, over UDP (RFC 5426: one datagram per message)
or TCP (RFC 6587 octet counting: ``LEN SP MESSAGE``).

The record is the one the log keeps (its text already through the one PII redactor); the
question is redacted once more here, so nothing raw leaves even if a caller built the dict
itself. Forwarding never holds up an answer: records wait in a bounded queue for a background
sender, a failure is counted and logged once (its error class only) until a send succeeds again,
and at exit the queue gets a moment to drain. The database chain stays the record of truth.

>>> frame_5424({"action": "ask", "decision": "ok"}, host="h1", at="2026-09-30T01:02:03Z")[:52]
b'<110>1 2026-09-30T01:02:03Z h1 asker - ask - \\xef\\xbb\\xbf{"ac'
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import queue
import socket
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urlsplit

from asker.errors import ConfigError
from asker.pii import redact_pii

_log = logging.getLogger(__name__)

FACILITY_LOG_AUDIT = 13  # RFC 5424 facility 13: "log audit"
SEVERITY = {"ok": 6, "clarify": 6, "refused": 5, "error": 3}  # informational, notice, error
MAX_MESSAGE = 60_000  # under a UDP datagram's 65,507 bytes; longer records drop their SQL
QUEUE_SIZE = 10_000
DRAIN_AT_EXIT_S = 2.0
TIMEOUT_S = 3.0
_BULKY = ("plan", "generated_sql", "gated_sql")


@dataclass(frozen=True)
class SyslogTarget:
    """Where records go: ``udp://host:514`` or ``tcp://host:601``."""

    transport: Literal["udp", "tcp"]
    host: str
    port: int


def parse_syslog_url(url: str) -> SyslogTarget:
    """The target of ``ASKER_AUDIT_SYSLOG_URL`` (AUDIT_SYSLOG_URL_INVALID otherwise).

    >>> parse_syslog_url("udp://10.1.2.3:514")
    SyslogTarget(transport='udp', host='10.1.2.3', port=514)
    """
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        port = None
        parts = urlsplit("")
    if parts.scheme not in ("udp", "tcp") or not parts.hostname or port is None:
        raise ConfigError("AUDIT_SYSLOG_URL_INVALID", url=url)
    transport: Literal["udp", "tcp"] = "udp" if parts.scheme == "udp" else "tcp"
    return SyslogTarget(transport, parts.hostname, port)


def siem_event(record: Mapping[str, Any], *, seq: int, at: str, mac: str) -> dict[str, Any]:
    """The forwarded JSON: the stored record with its place in the chain, question redacted."""
    event = {"event": "asker.audit", "seq": seq, "at": at, "mac": mac, **record}
    if isinstance(event.get("question"), str):
        event["question"] = redact_pii(event["question"])
    return event


def _sd_value(text: str) -> str:
    return "".join(ch for ch in text if 33 <= ord(ch) <= 126 and ch not in '= ]"')[:32] or "-"


def frame_5424(event: Mapping[str, Any], *, host: str, at: str) -> bytes:
    """One RFC 5424 message: ``<PRI>1 TIMESTAMP HOST asker PROCID MSGID - BOM JSON``."""
    severity = SEVERITY.get(str(event.get("decision")), 6)
    body = json.dumps(event, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    if len(body.encode()) > MAX_MESSAGE:
        slim = {k: (None if k in _BULKY else v) for k, v in event.items()}
        body = json.dumps({**slim, "truncated": True}, ensure_ascii=False, sort_keys=True)
    procid = str(event.get("procid", "-"))
    head = (
        f"<{FACILITY_LOG_AUDIT * 8 + severity}>1 {at} {_sd_value(host)} asker "
        f"{_sd_value(procid)} {_sd_value(str(event.get('action', '-')))} -"
    )
    return head.encode("ascii") + b" \xef\xbb\xbf" + body.encode()


class SyslogForwarder:
    """Sends records to one syslog target from a background thread; ``failures`` counts the
    records that did not get there (sent in error or dropped because the queue was full)."""

    def __init__(self, target: SyslogTarget) -> None:
        self.target = target
        self.failures = 0
        self._host = socket.gethostname()
        self._queue: queue.Queue[bytes | None] = queue.Queue(QUEUE_SIZE)
        self._socket: socket.socket | None = None
        self._failing = False
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name="asker-audit-syslog", daemon=True)
        self._thread.start()
        atexit.register(self.close)

    def forward(self, record: Mapping[str, Any], *, seq: int, at: str, mac: str) -> None:
        """Queue one record; never raises, never waits."""
        try:
            event = {**siem_event(record, seq=seq, at=at, mac=mac), "procid": os.getpid()}
            self._queue.put_nowait(frame_5424(event, host=self._host, at=at))
        except queue.Full:
            self._failed("QueueFull")
        except Exception as exc:  # a record that cannot be framed must not stop an answer
            self._failed(type(exc).__name__)

    def close(self, timeout_s: float = DRAIN_AT_EXIT_S) -> None:
        """Let the queue drain for up to ``timeout_s``, then stop the sender."""
        if not self._thread.is_alive():
            return
        try:
            self._queue.put(None, timeout=timeout_s)
        except queue.Full:
            return
        self._thread.join(timeout_s)

    def _run(self) -> None:
        while (message := self._queue.get()) is not None:
            try:
                self._send(message)
            except OSError as exc:
                self._drop_socket()
                self._failed(type(exc).__name__)
            else:
                with self._lock:
                    recovered, self._failing = self._failing, False
                if recovered:
                    _log.warning("audit forwarding to syslog works again")
        self._drop_socket()

    def _send(self, message: bytes) -> None:
        if self.target.transport == "udp":
            if self._socket is None:
                self._socket = socket.socket(_family(self.target.host), socket.SOCK_DGRAM)
            self._socket.sendto(message, (self.target.host, self.target.port))
            return
        if self._socket is None:
            address = (self.target.host, self.target.port)
            self._socket = socket.create_connection(address, timeout=TIMEOUT_S)
        self._socket.sendall(str(len(message)).encode() + b" " + message)

    def _drop_socket(self) -> None:
        if self._socket is not None:
            self._socket.close()
            self._socket = None

    def _failed(self, error_class: str) -> None:
        with self._lock:
            self.failures += 1
            first, self._failing = not self._failing, True
        if first:  # once per outage: the class only, never the record
            _log.error(
                "audit record not forwarded to syslog %s:%s (%s); the database keeps it, "
                "later failures are counted without a log line",
                self.target.host,
                self.target.port,
                error_class,
            )


def _family(host: str) -> socket.AddressFamily:
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def forwarder_for(url: str | None) -> SyslogForwarder | None:
    """The forwarder ``ASKER_AUDIT_SYSLOG_URL`` asks for, or None when it is unset."""
    return None if not url else SyslogForwarder(parse_syslog_url(url))
