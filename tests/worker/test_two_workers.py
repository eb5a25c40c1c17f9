"""Two workers at once (two processes, then two threads with runtimes and connections of their
own) send each message exactly once, and the command line manages subscriptions."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path

from asker import api, worker
from asker.config import Settings
from asker.worker import RunReport
from tests.helpers import ASKER, asker
from tests.worker.conftest import MailSink, move_data_date

SUBSCRIBERS = ("li.na", "zhang.wei", "wang.fang", "chen.jie")


def subscribe_everyone(data_dir: Path) -> None:
    rt = api.open_runtime(Settings(data_dir=data_dir))
    try:
        for user in SUBSCRIBERS:
            who = api.local_user(rt, user)
            saved = api.save_question(rt, who, "存款余额")
            api.subscribe(rt, who, saved.id)
    finally:
        rt.close()


def test_two_worker_processes_send_each_message_once(data_dir: Path, smtp: MailSink) -> None:
    subscribe_everyone(data_dir)
    env = {
        **os.environ,
        "ASKER_SMTP_HOST": "127.0.0.1",
        "ASKER_SMTP_PORT": str(smtp.port),
    }
    command = [*ASKER, "worker", "--once", "--data-dir", str(data_dir), "--format", "json"]
    runs = [
        subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True
        )
        for _ in range(2)
    ]
    outputs = [run.communicate(timeout=300) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    reports = [json.loads(out.strip().splitlines()[-1]) for out, _ in outputs]
    assert sum(r["sent"] for r in reports) == len(SUBSCRIBERS)
    assert sum(r["planned"] for r in reports) == len(SUBSCRIBERS)
    assert sorted(rcpt for rcpt, _ in smtp.mails) == sorted(
        (f"{user}@bank.example",) for user in SUBSCRIBERS
    )


def test_two_worker_threads_send_each_message_once(data_dir: Path, smtp: MailSink) -> None:
    subscribe_everyone(data_dir)
    settings = Settings(data_dir=data_dir, smtp_host="127.0.0.1", smtp_port=smtp.port)
    runtimes = [api.open_runtime(settings) for _ in range(2)]
    reports: list[RunReport] = []
    start = threading.Barrier(2)

    def run(rt: api.Runtime) -> None:
        start.wait()
        reports.append(worker.run_once(rt))

    threads = [threading.Thread(target=run, args=(rt,)) for rt in runtimes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    for rt in runtimes:
        rt.close()
    assert sum(r.sent for r in reports) == len(SUBSCRIBERS)
    assert len(smtp.mails) == len(SUBSCRIBERS)


def test_the_command_line_adds_lists_and_removes_subscriptions(data_dir: Path) -> None:
    rt = api.open_runtime(Settings(data_dir=data_dir))
    try:
        saved = api.save_question(rt, api.local_user(rt, "li.na"), "存款余额")
    finally:
        rt.close()
    where = ("--data-dir", str(data_dir), "--user", "li.na")
    added = asker("subscriptions", "add", str(saved.id), "--schedule", "monthly", *where)
    assert added.returncode == 0, added.stderr
    listed = asker("subscriptions", "list", *where, "--format", "json")
    [row] = json.loads(listed.stdout)["subscriptions"]
    assert (row["saved_question"], row["schedule"], row["subscriber"]) == (
        saved.id,
        "monthly",
        "li.na",
    )
    bad = asker("subscriptions", "add", str(saved.id), "--channel", "fax", *where)
    assert bad.returncode == 3 and "CHANNEL_INVALID" in bad.stderr
    removed = asker("subscriptions", "remove", str(row["id"]), *where)
    assert removed.returncode == 0, removed.stderr
    again = asker("subscriptions", "list", *where, "--format", "json")
    assert json.loads(again.stdout)["subscriptions"] == []


def wait_for(check: Callable[[], bool], what: str, limit_s: float = 180) -> None:
    """Poll until ``check`` holds (a generous limit: the machine is shared, this is no timing)."""
    give_up = time.monotonic() + limit_s
    while not check():
        assert time.monotonic() < give_up, f"gave up waiting for {what}"
        time.sleep(0.2)


def test_the_worker_process_runs_on_its_timer_and_follows_the_data_date(
    data_dir: Path, smtp: MailSink
) -> None:
    subscribe_everyone(data_dir)
    env = {
        **os.environ,
        "ASKER_SMTP_HOST": "127.0.0.1",
        "ASKER_SMTP_PORT": str(smtp.port),
        "ASKER_WORKER_INTERVAL_S": "1",
    }
    process = subprocess.Popen(
        [*ASKER, "worker", "--data-dir", str(data_dir)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        text=True,
    )
    try:
        wait_for(lambda: len(smtp.mails) == len(SUBSCRIBERS), "the first deliveries")
        move_data_date(data_dir, "2026-08-31")  # a load moves the data date
        wait_for(lambda: len(smtp.mails) == 2 * len(SUBSCRIBERS), "the next data date's")
    finally:
        process.send_signal(signal.SIGTERM)
        _, errors = process.communicate(timeout=120)
    assert process.returncode == 0, errors
    subjects = sorted(str(m["Subject"])[-10:] for _, m in smtp.mails)
    assert subjects == ["2026-08-31"] * len(SUBSCRIBERS) + ["2026-09-30"] * len(SUBSCRIBERS)
