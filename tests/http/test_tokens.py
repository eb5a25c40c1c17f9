"""``asker tokens create|list|revoke`` as an administrator runs them, and what a token then
opens over HTTP: the token alone on the last line, stored only as its sha256, expiring, revoked
at once."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import sqlite3
from contextlib import closing

from asker.access import tokens
from asker.appstate.database import engine_for
from tests.helpers import asker
from tests.http.conftest import Server

TOKEN = re.compile(r"asker_[0-9a-f]{12}_[A-Za-z0-9_-]{43}")


def test_a_token_from_the_command_line_acts_as_its_user_until_revoked(server: Server) -> None:
    data = str(server.data_dir)
    done = asker("tokens", "create", "--user", "li.na", "--expires-days", "7", "--data-dir", data)
    assert done.returncode == 0, done.stderr
    token = done.stdout.rstrip("\n").splitlines()[-1]
    assert TOKEN.fullmatch(token), "the last line is the token alone"
    with closing(sqlite3.connect(server.data_dir / "app.db")) as con:
        stored = con.execute(
            "SELECT token_id, user_id, token_hash, created_at, expires_at FROM api_tokens"
        ).fetchall()
        dump = "\n".join(con.iterdump())
    assert token not in dump, "the secret is never stored"
    row = next(r for r in stored if r[2] == hashlib.sha256(token.encode()).hexdigest())
    token_id = row[0]
    assert row[1] == "li.na" and token_id in token
    created, expires = (dt.datetime.fromisoformat(v) for v in row[3:5])
    assert expires - created == dt.timedelta(days=7)

    listed = asker("tokens", "list", "--user", "li.na", "--data-dir", data, "--format", "json")
    assert token not in listed.stdout
    states = {t["token_id"]: t["state"] for t in json.loads(listed.stdout)["tokens"]}
    assert states[token_id] == "active"

    with server.client(Authorization=f"Bearer {token}") as client:
        assert client.post("/v1/ask", json={"question": "各支行存款余额"}).status_code == 200
        revoked = asker("tokens", "revoke", token_id, "--data-dir", data)
        assert revoked.returncode == 0, revoked.stderr
        after = client.post("/v1/ask", json={"question": "各支行存款余额"})
    assert after.status_code == 401 and after.json()["code"] == "TOKEN_INVALID"
    listed = asker("tokens", "list", "--data-dir", data, "--format", "json")
    assert {t["token_id"]: t["state"] for t in json.loads(listed.stdout)["tokens"]}[
        token_id
    ] == "revoked"


def test_an_expired_token_opens_nothing(server: Server) -> None:
    engine = engine_for(f"sqlite:///{server.data_dir / 'app.db'}")
    long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(days=3)
    issued, _ = tokens.create(engine, "zhang.wei", long_ago, days=1)
    engine.dispose()
    with server.client(Authorization=f"Bearer {issued.token}") as client:
        got = client.get("/v1/metrics")
    assert got.status_code == 401 and got.json()["code"] == "TOKEN_INVALID"


def test_the_command_line_refuses_what_it_cannot_issue(server: Server) -> None:
    data = str(server.data_dir)
    nobody = asker("tokens", "create", "--user", "no.such.user", "--data-dir", data)
    assert nobody.returncode == 3 and "UNKNOWN_USER" in nobody.stderr
    zero = asker("tokens", "create", "--user", "li.na", "--expires-days", "0", "--data-dir", data)
    assert zero.returncode == 3 and "TOKEN_DAYS_INVALID" in zero.stderr
    unknown = asker("tokens", "revoke", "ffffffffffff", "--data-dir", data)
    assert unknown.returncode == 3 and "TOKEN_NOT_FOUND" in unknown.stderr


def test_a_service_account_is_a_user_of_its_own_with_its_role(server: Server) -> None:
    data = str(server.data_dir)
    done = asker(
        "tokens", "create", "--user", "svc.portal", "--service-role", "hq_executive",
        "--org", "HQ", "--data-dir", data,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    token = done.stdout.rstrip("\n").splitlines()[-1]
    question = {"question": "各分行存款余额"}
    with server.client(Authorization=f"Bearer {token}") as svc, server.client("chen.jie") as chen:
        as_service, as_executive = (
            svc.post("/v1/ask", json=question),
            chen.post("/v1/ask", json=question),
        )
        detail = svc.post("/v1/sql", json={"sql": "SELECT cust_id FROM dim_customer"})
    assert as_service.status_code == 200
    assert as_service.json()["rows"] == as_executive.json()["rows"]
    assert detail.status_code == 403, "aggregates only, like any hq_executive"
    again = asker("tokens", "create", "--user", "svc.portal", "--service-role", "hq_analyst",
                  "--data-dir", data)  # fmt: skip
    assert again.returncode == 3 and "ACCOUNT_EXISTS" in again.stderr
    bad = asker("tokens", "create", "--user", "svc.x", "--service-role", "root", "--data-dir", data)
    assert bad.returncode == 3 and "SERVICE_ACCOUNT_INVALID" in bad.stderr
