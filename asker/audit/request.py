"""The request an audit record belongs to: ``asker api`` gives each HTTP request an id (its
``X-Request-ID``), writes it in its JSON log lines and, through ``request_scope``, in every
audit record the request appends, so a log line and its audit records are found together.

>>> with request_scope("r-1"):
...     current_request_id()
'r-1'
>>> current_request_id() is None
True
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_REQUEST_ID: ContextVar[str | None] = ContextVar("asker_request_id", default=None)


def current_request_id() -> str | None:
    return _REQUEST_ID.get()


@contextmanager
def request_scope(request_id: str) -> Iterator[None]:
    token = _REQUEST_ID.set(request_id)
    try:
        yield
    finally:
        _REQUEST_ID.reset(token)
