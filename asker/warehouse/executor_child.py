"""The executor child: one pre-started process holding one sandboxed, read-only DuckDB
connection, answering requests over its stdin/stdout pipes until its stdin closes.

Its address space is capped (RLIMIT_AS) before DuckDB loads, so a query that grows values past
DuckDB's own ``memory_limit`` fails inside the child; the parent kills it at the deadline. Run as
``python -m asker.warehouse.executor_child PATH MEMORY THREADS TEMP ADDRESS_MB``.
"""

from __future__ import annotations

import os
import resource
import sys
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

READY = "ready"


def cap_address_space(megabytes: int) -> None:
    """The process memory limit; 0 leaves the process unlimited."""
    if megabytes > 0:
        size = megabytes * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (size, size))


def reply_for(executor: Any, request: tuple[str, int, float]) -> tuple[str, Any]:
    """One request's reply: the result, or asker's error as (class name, code, params)."""
    from asker.errors import AskerError

    sql, row_cap, timeout_s = request
    try:
        return "ok", executor.execute_sql(sql, row_cap=row_cap, timeout_s=timeout_s)
    except AskerError as exc:
        return "error", (type(exc).__name__, exc.code, exc.params)
    except MemoryError:
        return "error", ("QueryLimit", "QUERY_MEMORY", {})


def serve(path: Path, memory: str, threads: int, temp: str, address_mb: int) -> None:
    # The pipes carry only pickled messages: anything printed goes to stderr instead.
    requests = Connection(os.dup(0), writable=False)
    replies = Connection(os.dup(1), readable=False)
    os.dup2(2, 1)
    cap_address_space(address_mb)
    from asker.warehouse.engine import DuckDBExecutor, Limits

    executor = DuckDBExecutor(path, Limits(memory_limit=memory, threads=threads, temp_limit=temp))
    replies.send((READY, os.getpid()))
    while True:
        try:
            request = requests.recv()
        except EOFError:
            break  # the parent closed the pipe or died: nothing left to serve
        replies.send(reply_for(executor, request))
    executor.close()


if __name__ == "__main__":
    path, memory, threads, temp, address_mb = sys.argv[1:6]
    serve(Path(path), memory, int(threads), temp, int(address_mb))
