"""Stopping ``asker serve`` or ``asker api`` with SIGTERM (systemd, Kubernetes, a shell) stops
the server and everything it started: real processes, nothing left behind; an answer in flight
when the signal comes is finished first."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from pathlib import Path

import httpx

from tests.helpers import ASKER, copy_data_dir
from tests.http.conftest import free_port, issue_token


def descendants(pid: int) -> set[int]:
    """Every live process below ``pid`` (read from /proc before the signal: orphans move)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parents[int(entry.name)] = int(fields[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier}
        found |= frontier
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def wait_for(url: str, process: subprocess.Popen[bytes], seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, f"exited with {process.returncode}"
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"{url} did not answer")


def stop_and_check(process: subprocess.Popen[bytes]) -> None:
    below = descendants(process.pid)
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=60) is not None
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(alive(p) for p in below):
        time.sleep(0.2)
    left = sorted(p for p in below if alive(p))
    assert not left, f"processes left running after SIGTERM: {left}"


def test_sigterm_to_asker_api_finishes_the_answer_in_flight_and_leaves_nothing(
    tiny_dir: Path, tmp_path: Path
) -> None:
    data = copy_data_dir(tiny_dir, tmp_path / "data")
    token, port = issue_token(data, "li.na"), free_port()
    process = subprocess.Popen(
        [*ASKER, "api", "--data-dir", str(data), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(f"{url}/healthz", process)
        replies: list[httpx.Response] = []
        first = threading.Thread(  # the first answer builds the dictionary's services: slow
            target=lambda: replies.append(
                httpx.post(
                    f"{url}/v1/ask",
                    json={"question": "各支行存款余额"},
                    headers={"Authorization": f"Bearer {token}"},
                    timeout=120,
                )
            )
        )
        first.start()
        time.sleep(0.3)
        assert not replies, "the answer should still be in flight when the signal comes"
        stop_and_check(process)
        first.join(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert replies and replies[0].status_code == 200, "the answer in flight was finished"
    assert replies[0].json()["rows"]
    assert process.stderr is not None
    log = process.stderr.read().decode()
    assert '"request_id"' in log and '"path": "/v1/ask"' in log, "JSON log lines with the id"


def test_sigterm_to_asker_serve_stops_streamlit(tiny_dir: Path) -> None:
    port = free_port()
    process = subprocess.Popen(
        [*ASKER, "serve", "--data-dir", str(tiny_dir), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ},
    )
    try:
        wait_for(f"http://127.0.0.1:{port}/_stcore/health", process)
        stop_and_check(process)
    finally:
        if process.poll() is None:
            process.kill()
    assert not alive(process.pid)
