"""A throwaway Spark Connect server for tests: a pytest plugin (``pytest_plugins``).

``spark_url`` (session scope) is ``sc://127.0.0.1:PORT`` of ONE server per test run, shared by
the xdist workers: the first worker that needs it starts it under a lock file in the run's
folder (the controller makes the folder and hands it to the workers), the others read its port;
the controller stops it at the end, also when tests fail. It is started from the pyspark
distribution's own ``sbin/start-connect-server.sh`` with the machine's Java 17 (Debian's
``openjdk-17-jre-headless``): ``local[2]``, two shuffle partitions, no UI, on a loopback port,
its warehouse and logs in the run's folder. A run that selects no Spark test starts nothing.

Without Java or pyspark the tests are skipped, or fail when ``CI=true``.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NoReturn

import pytest

ROOT_KEY = "asker_spark_root"
_ROOT = pytest.StashKey[Path]()
READY_TIMEOUT_S = 240
INSTALL_HINT = (
    "install Java 17 (apt-get install openjdk-17-jre-headless) and pip install '.[spark]'"
)


def unavailable(reason: str) -> NoReturn:
    message = f"Spark tests cannot run: {reason}; {INSTALL_HINT}"
    if os.environ.get("CI", "").strip().lower() in ("true", "1", "yes"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def spark_home() -> Path | None:
    try:
        import pyspark
    except ImportError:
        return None
    home = Path(pyspark.__file__).parent
    return home if (home / "sbin" / "start-connect-server.sh").is_file() else None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class SparkServer:
    """One Spark Connect server whose files (pid, logs, warehouse, state) live under ``root``."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.state = root / "server.json"

    def env(self, home: Path) -> dict[str, str]:
        return {
            **os.environ,
            "SPARK_HOME": str(home),
            "SPARK_LOG_DIR": str(self.root / "logs"),
            "SPARK_PID_DIR": str(self.root / "pids"),
            "SPARK_LOCAL_IP": "127.0.0.1",
            "SPARK_NO_DAEMONIZE": "",
        }

    def start(self, home: Path) -> int:
        port = _free_port()
        (self.root / "warehouse").mkdir(parents=True, exist_ok=True)
        conf = {
            "spark.connect.grpc.binding.port": str(port),
            "spark.connect.grpc.binding.address": "127.0.0.1",
            "spark.driver.bindAddress": "127.0.0.1",
            "spark.driver.host": "127.0.0.1",
            "spark.sql.shuffle.partitions": "2",
            "spark.ui.enabled": "false",
            "spark.sql.warehouse.dir": str(self.root / "warehouse"),
            "spark.driver.extraJavaOptions": f"-Djava.io.tmpdir={self.root}",
        }
        command = [str(home / "sbin" / "start-connect-server.sh"), "--master", "local[2]"]
        command += ["--driver-memory", "1g"]
        for key, value in conf.items():
            command += ["--conf", f"{key}={value}"]
        env = {k: v for k, v in self.env(home).items() if k != "SPARK_NO_DAEMONIZE"}
        subprocess.run(command, env=env, cwd=self.root, check=True, capture_output=True)
        (self.root / "started").touch()  # stop() runs from here on, even if it never listens
        self._wait_ready(port)
        self.state.write_text(json.dumps({"port": port}), encoding="utf-8")
        return port

    def _wait_ready(self, port: int) -> None:
        deadline = time.monotonic() + READY_TIMEOUT_S
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
                return
            time.sleep(0.5)
        raise RuntimeError(f"Spark Connect did not listen on {port}:\n{self.log_tail()}")

    def log_tail(self) -> str:
        logs = sorted((self.root / "logs").glob("*.out"))
        return logs[-1].read_text(errors="replace")[-3000:] if logs else "(no log)"

    def stop(self) -> None:
        home = spark_home()
        if home is not None and (self.root / "started").exists():
            subprocess.run(
                [str(home / "sbin" / "stop-connect-server.sh")],
                env=self.env(home),
                cwd=self.root,
                check=False,
                capture_output=True,
                timeout=120,
            )


def _run_root(config: pytest.Config) -> Path:
    if hasattr(config, "workerinput"):
        return Path(config.workerinput[ROOT_KEY])
    return config.stash[_ROOT]


def pytest_configure(config: pytest.Config) -> None:
    if not hasattr(config, "workerinput"):
        config.stash[_ROOT] = Path(tempfile.mkdtemp(prefix="asker-spark-"))


def pytest_configure_node(node: Any) -> None:  # xdist hook
    node.workerinput[ROOT_KEY] = str(node.config.stash[_ROOT])


def pytest_unconfigure(config: pytest.Config) -> None:
    if not hasattr(config, "workerinput") and _ROOT in config.stash:
        root = config.stash[_ROOT]
        SparkServer(root).stop()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def spark_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """``sc://127.0.0.1:PORT``: the run's one Spark Connect server, started on first use."""
    home = spark_home()
    if home is None:
        unavailable("pyspark (with its sbin/start-connect-server.sh) is not installed")
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        unavailable("no java on PATH")
    server = SparkServer(_run_root(request.config))
    with (server.root / "server.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one worker starts it; the others wait, then read
        if server.state.exists():
            port = int(json.loads(server.state.read_text(encoding="utf-8"))["port"])
        else:
            port = server.start(home)
    yield f"sc://127.0.0.1:{port}"
