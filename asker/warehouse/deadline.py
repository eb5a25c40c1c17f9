"""One deadline per request: the gate's steps and the warehouse query share it.

A request starts its clock once; each part asks how much time is left and stops when none is.

>>> deadline = Deadline.starting(10.0)
>>> 0 < deadline.remaining() <= 10.0, deadline.expired()
(True, False)
>>> Deadline.starting(0.0).expired()
True
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from asker.errors import QueryLimit


@dataclass(frozen=True)
class Deadline:
    """The monotonic time by which a request must finish, and the limit it was given."""

    at: float
    total_s: float

    @classmethod
    def starting(cls, total_s: float) -> Deadline:
        return cls(time.monotonic() + total_s, total_s)

    def remaining(self) -> float:
        return max(0.0, self.at - time.monotonic())

    def expired(self) -> bool:
        return self.remaining() <= 0.0

    def check(self) -> None:
        """Raise the timeout error once the time is up (QUERY_TIMEOUT, the whole limit named)."""
        if self.expired():
            raise self.timeout()

    def timeout(self) -> QueryLimit:
        return QueryLimit("QUERY_TIMEOUT", seconds=f"{self.total_s:g}")
