"""Per-user concurrency: how many questions or statements one user may have running at once.

The per-minute and daily limits (``rate_limits``) count questions; this caps the ones in flight,
so one user cannot hold every executor child with slow queries while others wait. Counted in the
process (each ``asker api`` process or chat app has its own), refused with ``TOO_MANY_CONCURRENT``.

>>> slots = UserSlots(limit=1)
>>> with slots.held("li.na"):
...     slots.try_acquire("li.na")
False
>>> slots.try_acquire("li.na")
True
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from asker.errors import QueryLimit


class UserSlots:
    """At most ``limit`` requests per user at a time."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._running: dict[str, int] = {}
        self._lock = threading.Lock()

    def try_acquire(self, user_id: str) -> bool:
        with self._lock:
            running = self._running.get(user_id, 0)
            if running >= self.limit:
                return False
            self._running[user_id] = running + 1
            return True

    def release(self, user_id: str) -> None:
        with self._lock:
            left = self._running.get(user_id, 0) - 1
            if left > 0:
                self._running[user_id] = left
            else:
                self._running.pop(user_id, None)

    @contextmanager
    def held(self, user_id: str) -> Iterator[None]:
        """A slot for the request's duration; raises ``TOO_MANY_CONCURRENT`` when none is free."""
        if not self.try_acquire(user_id):
            raise QueryLimit("TOO_MANY_CONCURRENT", limit=self.limit)
        try:
            yield
        finally:
            self.release(user_id)
