"""The local OIDC provider (``tests.oidc_provider``) as a real HTTP server on 127.0.0.1, once
per test run, shared by the xdist workers (``tests.shared_servers``); a pytest plugin.

``oidc_provider`` is ``{"issuer", "client_id", "client_secret", "users"}``; ``USERS`` are the
provider's people (password and claims: ``groups``, ``departmentNumber``, ``displayName``).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.shared_servers import shared, stop, wait_for

ROOT = Path(__file__).resolve().parent.parent
CLIENT_ID = "asker-chat"
CLIENT_SECRET = "asker-chat-secret-for-tests"
USERS: dict[str, dict[str, Any]] = {
    "zheng.hao": {
        "password": "zheng.hao-Pw-2026!",
        "groups": ["asker-branch-managers", "all-staff"],
        "departmentNumber": "B05",
        "displayName": "郑浩",
    },
    "lu.yan": {
        "password": "lu.yan-Pw-2026!",
        "groups": ["all-staff"],
        "departmentNumber": "HQ",
        "displayName": "陆燕",
    },
}


def _start(home: Path) -> dict[str, Any]:
    config = home / "config.json"
    config.write_text(
        json.dumps({"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "users": USERS}),
        encoding="utf-8",
    )
    info = home / "info.json"
    with (home / "provider.log").open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.oidc_provider", str(config), str(info)],
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def answers() -> bool:
        if process.poll() is not None:
            raise RuntimeError(f"provider exited: {(home / 'provider.log').read_text()[-2000:]}")
        if not info.exists():
            return False
        issuer = json.loads(info.read_text(encoding="utf-8"))["issuer"]
        return httpx.get(f"{issuer}/.well-known/openid-configuration").status_code == 200

    try:
        wait_for(answers, "the OIDC provider")
    except BaseException:
        stop(process.pid)
        raise
    issuer = json.loads(info.read_text(encoding="utf-8"))["issuer"]
    return {
        "issuer": issuer,
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "users": USERS,
        "pid": process.pid,
    }


@pytest.fixture(scope="session")
def oidc_provider(request: pytest.FixtureRequest) -> dict[str, Any]:
    found: dict[str, Any] = shared(request.config, "oidc", _start)
    return found
