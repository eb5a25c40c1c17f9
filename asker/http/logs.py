"""JSON log lines and the request id: every request gets an id (the caller's ``X-Request-ID``
when it sends a plain one, else a new one), answered in the ``X-Request-ID`` header, written in
the request's log line and carried by each audit record the request appends
(``api.request_scope``). Bodies over ``ASKER_API_MAX_BODY_BYTES`` are refused with 413 before
they are read to the end."""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from asker import api
from asker.http.errors import error_body
from asker.pii import redact_pii

_log = logging.getLogger("asker.http")
_PLAIN_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
_STANDARD = set(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {
    "message",
    "color_message",  # uvicorn's terminal colours
}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message and any ``extra`` fields, text
    through the one PII redactor (nothing raw in a log, whoever logged it)."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": redact_pii(record.getMessage()),
        }
        line.update(
            {
                k: redact_pii(v) if isinstance(v, str) else v
                for k, v in record.__dict__.items()
                if k not in _STANDARD
            }
        )
        if record.exc_info:
            line["error_class"] = record.exc_info[0].__name__ if record.exc_info[0] else None
        return json.dumps(line, ensure_ascii=False, default=str)


def configure_json_logs(level: int = logging.INFO) -> None:
    """Every logger of the process (uvicorn's too) writes JSON lines to stderr."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
    logging.getLogger("uvicorn.access").disabled = True  # one line per request comes from here


class TooLarge(Exception):
    pass


class RequestFrame:
    """ASGI middleware: the request id, the body size limit and one log line per request."""

    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app, self.max_body_bytes = app, max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        given = headers.get("x-request-id", "")
        request_id = given if _PLAIN_ID.fullmatch(given) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        started, status = time.perf_counter(), [500]

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
                message["headers"] = [
                    *message.get("headers", []),
                    (b"x-request-id", request_id.encode()),
                ]
            await send(message)

        with api.request_scope(request_id):
            declared = headers.get("content-length", "")
            if declared.isdigit() and int(declared) > self.max_body_bytes:
                await self._too_large(send_with_id)
            else:
                try:
                    await self.app(scope, self._limited(receive), send_with_id)
                except TooLarge:
                    await self._too_large(send_with_id)
            _log.info(
                "request",
                extra={
                    "request_id": request_id,
                    "method": scope["method"],
                    "path": scope["path"],
                    "status": status[0],
                    "elapsed_ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )

    def _limited(self, receive: Receive) -> Receive:
        seen = [0]

        async def limited() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                seen[0] += len(message.get("body", b""))
                if seen[0] > self.max_body_bytes:
                    raise TooLarge
            return message

        return limited

    async def _too_large(self, send: Send) -> None:
        body, status = error_body("REQUEST_TOO_LARGE", limit=self.max_body_bytes)
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [(b"content-type", b"application/json")],
            }
        )
        await send({"type": "http.response.body", "body": body})
