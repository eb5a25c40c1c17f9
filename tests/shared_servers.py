"""Servers started once per test run and shared by its xdist workers: a pytest plugin.

The controller makes one directory for the run (passed to the workers like the tiny data dir);
``shared(config, name, start)`` runs ``start`` under an exclusive lock file in it, in whichever
process asks first, and records what it returns (JSON, with the server's ``pid``); every other
process reads that record. The controller stops every recorded server (its process group) and
removes the directory when the run ends, also when tests fail. Servers run in their own
session (``start_new_session=True``) so that stopping the group stops all of their children.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import signal
import socket
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

import pytest

RUN_KEY = "asker_shared_servers_dir"
_RUN = pytest.StashKey[Path]()


def pytest_configure(config: pytest.Config) -> None:
    if not hasattr(config, "workerinput"):
        config.stash[_RUN] = Path(tempfile.mkdtemp(prefix="asker-servers-"))


def pytest_configure_node(node: Any) -> None:  # xdist hook
    node.workerinput[RUN_KEY] = str(node.config.stash[_RUN])


def pytest_unconfigure(config: pytest.Config) -> None:
    if hasattr(config, "workerinput") or _RUN not in config.stash:
        return
    run = config.stash[_RUN]
    for record in run.glob("*.json"):
        with contextlib.suppress(ValueError, KeyError, OSError):
            stop(int(json.loads(record.read_text(encoding="utf-8"))["pid"]))
    shutil.rmtree(run, ignore_errors=True)


def run_dir(config: pytest.Config) -> Path:
    if hasattr(config, "workerinput"):
        return Path(config.workerinput[RUN_KEY])
    return config.stash[_RUN]


def shared(config: pytest.Config, name: str, start: Callable[[Path], dict[str, Any]]) -> Any:
    """The record of the run's server ``name``, started by ``start(directory)`` if nobody has."""
    run = run_dir(config)
    record = run / f"{name}.json"
    with (run / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if record.exists():
            return json.loads(record.read_text(encoding="utf-8"))
        home = run / name
        home.mkdir(exist_ok=True)
        found = start(home)
        record.write_text(json.dumps(found), encoding="utf-8")
        return found


def stop(pid: int, grace_s: float = 5.0) -> None:
    """SIGTERM the server's process group, then SIGKILL what is left after ``grace_s``."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGTERM)
        deadline = time.monotonic() + grace_s
        while time.monotonic() < deadline:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, os.WNOHANG)
            os.killpg(pid, 0)  # raises ProcessLookupError once it is gone
            time.sleep(0.05)
        os.killpg(pid, signal.SIGKILL)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def unavailable(what: str, reason: str, hint: str) -> NoReturn:
    """Skip, or fail on CI, where a missing server must not pass silently."""
    message = f"{what} tests cannot run: {reason}; {hint}"
    if os.environ.get("CI", "").strip().lower() in ("true", "1", "yes"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def wait_for(ready: Callable[[], bool], what: str, timeout_s: float = 20.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if ready():
            return
        time.sleep(0.1)
    raise RuntimeError(f"{what} did not start within {timeout_s}s")
