"""Warehouse queries in pre-started executor children, killed at the deadline and replaced.

DuckDB cannot interrupt every phase of a query (planning a long chain of joins runs on after
``interrupt()``), and a query that grows values may take the process's memory with it. So the
queries of requests run in small child processes (``executor_child``), started when the pool
opens and kept warm: a request hands a child the SQL the gate generated and waits for the reply
at most until its deadline; a child that has not answered by then is killed and a fresh one
started in its place, and the request gets ``QUERY_TIMEOUT``. The fast path stays one pipe round
trip; there is no fork per request.

Usage (tests/warehouse/test_executor_pool.py exercises it)::

    pool = PooledExecutor(data_dir / "warehouse.duckdb", Limits(), workers=1)
    pool.execute(sqlglot.parse_one("SELECT 1 AS n"), row_cap=10, timeout_s=1).rows  # ((1,),)
    pool.close()
"""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
import time
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from sqlglot import exp

from asker import errors
from asker.errors import ConfigError, InternalError, QueryLimit
from asker.types import QueryResult
from asker.warehouse.engine import Limits, duckdb_text
from asker.warehouse.executor_child import READY

START_TIMEOUT_S = 60.0  # a cold start on a busy machine: imports and opening the file
GRACE_S = 0.25  # the child's own interrupt fires at the deadline; the kill follows this late


class Child:
    """One executor child process and its two pipes."""

    def __init__(self, path: Path, limits: Limits) -> None:
        command = [
            sys.executable,
            "-m",
            "asker.warehouse.executor_child",
            str(path),
            limits.memory_limit,
            str(limits.threads),
            limits.temp_limit,
            str(limits.address_space_mb),
        ]
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        assert self.process.stdin is not None and self.process.stdout is not None
        self._requests = Connection(os.dup(self.process.stdin.fileno()), readable=False)
        self._replies = Connection(os.dup(self.process.stdout.fileno()), writable=False)
        self._ready = False

    @property
    def pid(self) -> int:
        return self.process.pid

    def wait_ready(self, timeout_s: float) -> bool:
        """Whether the child opened the warehouse (its first message) within ``timeout_s``."""
        if not self._ready and self._replies.poll(timeout_s):
            message = self._recv()
            self._ready = isinstance(message, tuple) and message[0] == READY
        return self._ready

    def ask(self, sql: str, row_cap: int, timeout_s: float) -> tuple[str, Any] | None:
        """The child's reply, or None when none came by the deadline (or the child died)."""
        self._requests.send((sql, row_cap, timeout_s))
        if not self._replies.poll(timeout_s + GRACE_S):
            return None
        reply = self._recv()
        return reply if isinstance(reply, tuple) else None

    def _recv(self) -> Any:
        try:
            return self._replies.recv()
        except (EOFError, OSError):
            return None  # the child died (its memory limit, a crash): the caller replaces it

    def kill(self) -> None:
        self.process.kill()
        self.process.wait()
        self._requests.close()
        self._replies.close()
        for pipe in (self.process.stdin, self.process.stdout):
            if pipe is not None:
                pipe.close()


class PooledExecutor:
    """The ``Executor`` over ``workers`` warm children; a request waits for a free one."""

    dialect = "duckdb"
    engine_dialect = "duckdb"

    def __init__(self, path: Path, limits: Limits, *, workers: int = 1) -> None:
        if not path.is_file():
            raise ConfigError("DATA_DIR_MISSING", path=str(path.parent))
        self.path, self.limits = path, limits
        self.replaced = 0  # children killed at a deadline or lost, and started again
        self._idle: queue.Queue[Child] = queue.Queue()
        self._lock = threading.Lock()
        for _ in range(max(1, workers)):
            self._idle.put(Child(path, limits))

    def render(self, tree: exp.Expr) -> str:
        return duckdb_text(tree)

    def execute(self, tree: exp.Expr, *, row_cap: int, timeout_s: float) -> QueryResult:
        sql = self.render(tree)
        deadline = time.monotonic() + timeout_s
        try:
            child = self._idle.get(timeout=timeout_s)
        except queue.Empty:
            raise _timeout(timeout_s) from None
        reply = None
        try:
            reply = self._run(child, sql, row_cap, deadline)
        finally:
            if reply is None:  # stopped at the deadline, died, or never started: a fresh one
                child = self._replace(child)
            self._idle.put(child)
        if reply is None:
            raise _timeout(timeout_s)
        return _result_of(reply)

    def _run(self, child: Child, sql: str, row_cap: int, deadline: float) -> tuple[str, Any] | None:
        if not child.wait_ready(START_TIMEOUT_S):
            raise InternalError("INTERNAL_ERROR", error_class="ExecutorChildNotReady")
        left = deadline - time.monotonic()
        return child.ask(sql, row_cap, left) if left > 0 else None

    def _replace(self, child: Child) -> Child:
        child.kill()
        with self._lock:
            self.replaced += 1
        return Child(self.path, self.limits)

    def pids(self) -> tuple[int, ...]:
        """The process ids of the idle children (tests check a stopped one was replaced)."""
        with self._idle.mutex:
            return tuple(c.pid for c in self._idle.queue)

    def close(self) -> None:
        while True:
            try:
                self._idle.get_nowait().kill()
            except queue.Empty:
                break


def _timeout(timeout_s: float) -> QueryLimit:
    return QueryLimit("QUERY_TIMEOUT", seconds=f"{timeout_s:g}")


def _result_of(reply: tuple[str, Any]) -> QueryResult:
    kind, value = reply
    if kind == "ok" and isinstance(value, QueryResult):
        return value
    name, code, params = value
    cls = getattr(errors, name, None)
    if isinstance(cls, type) and issubclass(cls, errors.AskerError):
        raise cls(code, **params)
    raise InternalError("INTERNAL_ERROR", error_class=name)
