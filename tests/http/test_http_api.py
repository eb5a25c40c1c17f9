"""``asker api`` over HTTP: every endpoint, every error status, and the same answers as
``asker ask --format json`` for the same user (row scope and masks), with values checked against
hand-written SQL on the tiny bank."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import httpx
import pytest

from asker.config import Settings
from asker.warehouse.engine import DuckDBExecutor
from tests.helpers import asker, copy_data_dir, result_diff, rows
from tests.http.conftest import Server, local_server

V1_CALLS: tuple[tuple[str, str, dict[str, Any] | None], ...] = (
    ("POST", "/v1/ask", {"question": "各分行存款余额"}),
    ("POST", "/v1/explain", {"question": "各分行存款余额"}),
    ("POST", "/v1/sql", {"sql": "SELECT 1"}),
    ("POST", "/v1/feedback", {"question": "各分行存款余额", "rating": 1}),
    ("POST", "/v1/export", {"question": "各分行存款余额"}),
    ("GET", "/v1/metrics", None),
    ("GET", "/v1/metrics/deposit_balance", None),
    ("GET", "/v1/conversations/c-1", None),
    ("GET", "/v1/saved-questions", None),
    ("POST", "/v1/saved-questions", {"question": "各分行存款余额"}),
)

DEPOSITS_BY_SUBBRANCH = """
SELECT o.org_name, SUM(f.balance)
FROM fact_deposit_balance_daily f JOIN dim_org o ON o.org_id = f.org_id
WHERE f.biz_date = DATE '2026-09-30' AND o.org_level = '支行'
  AND o.parent_org_id = (SELECT org_id FROM dim_org WHERE org_name = '成都分行')
GROUP BY o.org_name
"""


def cli_json(server: Server, *args: str) -> dict[str, Any]:
    done = asker(*args, "--data-dir", str(server.data_dir), "--format", "json")
    assert done.returncode in (0, 3), done.stderr
    found: dict[str, Any] = json.loads(done.stdout)
    return found


def comparable(answer: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in answer.items() if k != "elapsed_ms"}


def test_no_answer_without_credentials_on_any_v1_path_even_on_a_demo_data_dir(
    server: Server,
) -> None:
    with server.client() as anonymous, server.client(Authorization="Bearer asker_x_y") as forged:
        for method, path, body in V1_CALLS:
            for client, code in ((anonymous, "CREDENTIALS_REQUIRED"), (forged, "TOKEN_INVALID")):
                got = client.request(method, path, json=body)
                assert got.status_code == 401, (path, got.text)
                assert got.json()["code"] == code, path
                assert got.headers["www-authenticate"] == "Bearer"
                assert "rows" not in got.json()


def test_health_readiness_and_openapi_answer_without_credentials(server: Server) -> None:
    with server.client() as client:
        assert client.get("/healthz").json() == {"status": "ok"}
        ready = client.get("/readyz")
        assert ready.status_code == 200
        assert ready.json() == {
            "ready": True,
            "parts": {"warehouse": True, "app_database": True, "index": True},
        }
        paths = client.get("/openapi.json").json()["paths"]
    assert {p for _, p, _ in V1_CALLS} - {"/v1/metrics/deposit_balance", "/v1/conversations/c-1"}
    assert {"/v1/metrics/{code}", "/v1/conversations/{conversation_id}"} <= set(paths)
    assert {"/v1/ask", "/v1/export", "/healthz", "/readyz"} <= set(paths)


def test_a_branch_managers_answer_is_the_command_lines_and_the_hand_written_sqls(
    server: Server, tiny_executor: DuckDBExecutor
) -> None:
    with server.client("li.na") as client:
        got = client.post("/v1/ask", json={"question": "各支行存款余额"})
    assert got.status_code == 200, got.text
    answer = got.json()
    cli = cli_json(server, "ask", "各支行存款余额", "--user", "li.na")
    assert comparable(answer) == comparable(cli)
    assert result_diff(answer["rows"], rows(tiny_executor, DEPOSITS_BY_SUBBRANCH)) is None
    assert answer["filters"], "the injected row scope is shown"


def test_a_client_managers_masks_and_own_customers_are_the_command_lines(
    server: Server, tiny_executor: DuckDBExecutor
) -> None:
    statement = "SELECT cust_id, cust_name, mobile FROM dim_customer ORDER BY cust_id LIMIT 5"
    with server.client("liu.yang") as client:
        got = client.post("/v1/sql", json={"sql": statement})
    assert got.status_code == 200, got.text
    answer = got.json()
    assert comparable(answer) == comparable(
        cli_json(server, "sql", statement, "--user", "liu.yang")
    )
    with closing(sqlite3.connect(server.data_dir / "app.db")) as con:
        (emp_id,) = con.execute("SELECT emp_id FROM users WHERE user_id = 'liu.yang'").fetchone()
    want = rows(
        tiny_executor,
        "SELECT cust_id, cust_name, substr(mobile, 1, 3) || '****' || right(mobile, 4) "
        f"FROM dim_customer WHERE manager_emp_id = '{emp_id}' ORDER BY cust_id LIMIT 5",
    )
    assert [list(r) for r in want] == answer["rows"]
    assert [m["value"] for m in answer["masked_columns"]], "the mask is named"


def test_explain_gives_the_sql_without_rows(server: Server) -> None:
    with server.client("li.na") as client:
        got = client.post("/v1/explain", json={"question": "各支行存款余额"}).json()
    assert got["status"] == "ok" and got["sql"] and got["rows"] == []


@pytest.mark.parametrize(
    "case",
    [
        ("li.na", "/v1/ask", {"question": "上海分行存款余额"}, 403, "ACCESS_DENIED"),
        ("chen.jie", "/v1/sql", {"sql": "SELECT cust_id FROM dim_customer"}, 403, None),
        ("sun.li", "/v1/ask", {"question": "各分行存款余额"}, 403, None),
        ("li.na", "/v1/sql", {"sql": "DELETE FROM dim_org"}, 422, "NOT_READ_ONLY"),
        ("li.na", "/v1/ask", {"question": "明天上证指数是多少"}, 422, "NOT_ANSWERABLE"),
        ("liu.yang", "/v1/export", {"question": "各支行存款余额"}, 403, "EXPORT_NOT_ALLOWED"),
    ],
)
def test_refusals_keep_their_code_and_message_with_a_fitting_status(
    server: Server, case: tuple[str, str, dict[str, str], int, str | None]
) -> None:
    user, path, body, status, code = case
    with server.client(user) as client:
        got = client.post(path, json=body)
    assert got.status_code == status, got.text
    answer = got.json()
    assert answer["status"] == "refused" and answer["message"] and answer["rows"] == []
    if code is not None:
        assert answer["code"] == code


def test_a_bad_body_gets_422_naming_the_field(server: Server) -> None:
    with server.client("li.na") as client:
        missing = client.post("/v1/ask", json={"q": "存款"})
        wrong = client.post("/v1/feedback", json={"question": "x", "rating": 5})
        not_json = client.post(
            "/v1/sql", content=b"{", headers={"content-type": "application/json"}
        )
    assert missing.status_code == 422 and missing.json()["code"] == "REQUEST_INVALID"
    assert "body.question" in missing.json()["message"]
    assert "body.question" in missing.json()["message_en"]
    assert wrong.status_code == 422 and "body.rating" in wrong.json()["message_en"]
    assert not_json.status_code == 422 and not_json.json()["code"] == "REQUEST_INVALID"


def test_unknown_things_are_404(server: Server) -> None:
    with server.client("li.na") as client:
        conversation = client.get("/v1/conversations/nobody-asked-here")
        metric = client.get("/v1/metrics/no_such_metric")
    assert conversation.status_code == 404 and conversation.json()["code"] == "NOT_FOUND"
    assert metric.status_code == 404 and metric.json()["code"] == "UNKNOWN_METRIC"


def test_a_body_over_the_limit_gets_413(server: Server) -> None:
    with server.client("li.na") as client:
        got = client.post("/v1/ask", json={"question": "存款" * 40_000})
    assert got.status_code == 413 and got.json()["code"] == "REQUEST_TOO_LARGE"


def test_conversations_follow_ups_and_saved_questions_are_the_callers_own(server: Server) -> None:
    with server.client("li.na") as li, server.client("zhang.wei") as zhang:
        first = li.post("/v1/ask", json={"question": "各支行存款余额", "conversation_id": "c-li"})
        assert first.status_code == 200
        li.post("/v1/ask", json={"question": "贷款呢", "conversation_id": "c-li"})
        turns = li.get("/v1/conversations/c-li").json()["turns"]
        assert [t["question"] for t in turns] == ["各支行存款余额", "贷款呢"]
        assert zhang.get("/v1/conversations/c-li").status_code == 404  # not his
        saved = li.post("/v1/saved-questions", json={"question": "各支行贷款余额", "title": "贷款"})
        assert saved.status_code == 200 and saved.json()["mine"] is True
        mine = [s["question"] for s in li.get("/v1/saved-questions").json()]
        assert "各支行贷款余额" in mine
        assert "各支行贷款余额" not in [
            s["question"] for s in zhang.get("/v1/saved-questions").json()
        ]
        assert li.post(
            "/v1/feedback", json={"question": "各支行存款余额", "rating": -1}
        ).json() == {"status": "ok"}


def test_metrics_list_and_detail(server: Server) -> None:
    with server.client("li.na") as client:
        listed = client.get("/v1/metrics").json()
        detail = client.get("/v1/metrics/deposit_balance").json()
    assert "deposit_balance" in {m["code"] for m in listed}
    assert detail["code"] == "deposit_balance" and detail["name"] == "存款余额"
    assert detail["sql"] and detail["versions"]


def test_export_streams_the_file_with_the_chats_rights_and_watermark(
    server: Server, tiny_executor: DuckDBExecutor
) -> None:
    with (
        server.client("li.na") as client,
        client.stream("POST", "/v1/export", json={"question": "各支行存款余额"}) as got,
    ):
        assert got.status_code == 200
        assert got.headers["content-type"].startswith("text/csv")
        assert "attachment" in got.headers["content-disposition"]
        data = got.read()
    text = data.decode("utf-8-sig")
    assert "li.na" in text  # the watermark names who exported
    lines = list(csv.reader(io.StringIO(text)))
    body = [r for r in lines if len(r) == 2 and r[0].endswith("支行")]
    got_rows = [[name, float(value)] for name, value in body]
    assert result_diff(got_rows, rows(tiny_executor, DEPOSITS_BY_SUBBRANCH)) is None


def test_every_token_use_and_failed_one_is_audited_with_the_request_id(server: Server) -> None:
    with server.client("li.na", **{"X-Request-ID": "portal-req-0001"}) as client:
        got = client.post("/v1/ask", json={"question": "各支行存款余额"})
    assert got.headers["x-request-id"] == "portal-req-0001"
    with server.client(Authorization="Bearer asker_bad_token", **{"X-Request-ID": "bad-1"}) as bad:
        assert bad.get("/v1/metrics").status_code == 401
    with closing(sqlite3.connect(server.data_dir / "app.db")) as con:
        bodies = [json.loads(r)["record"] for (r,) in con.execute("SELECT record FROM audit_log")]
    mine = [b for b in bodies if b.get("request_id") == "portal-req-0001"]
    assert {(b["action"], b["user_id"], b["decision"]) for b in mine} == {
        ("token_use", "li.na", "ok"),
        ("ask", "li.na", "ok"),
    }
    refused = [b for b in bodies if b.get("request_id") == "bad-1"]
    assert [(b["action"], b["decision"], b["codes"]) for b in refused] == [
        ("token_use", "refused", ["TOKEN_INVALID"])
    ]
    # No token, nor its secret part, is in any record (the gate's own marker columns, such as
    # __asker_suppressed_lt_5 in an executive's SQL, may be; they are not credentials).
    sent = [*server.tokens.values(), "asker_bad_token"]
    parts = {p for token in sent for p in (token, token.rsplit("_", 1)[-1]) if len(p) >= 8}
    leaked = [p for p in parts if any(p in json.dumps(b) for b in bodies)]
    assert not leaked, "no token in the audit log"
    verify = asker("audit", "verify", "--data-dir", str(server.data_dir), "--format", "json")
    assert verify.returncode == 0 and json.loads(verify.stdout)["status"] == "ok"


def test_rate_limits_are_429_with_retry_after(tiny_dir: Path, tmp_path: Path) -> None:
    data = copy_data_dir(tiny_dir, tmp_path / "data")
    from tests.http.conftest import issue_token

    token = issue_token(data, "li.na")
    with local_server(Settings(data_dir=data, rate_limit_per_minute=1)) as url:
        headers = {"Authorization": f"Bearer {token}"}
        with httpx.Client(base_url=url, headers=headers, timeout=120) as client:
            client.post("/v1/ask", json={"question": "各支行存款余额"})
            got = client.post("/v1/ask", json={"question": "各支行存款余额"})
    assert got.status_code == 429, got.text
    assert got.json()["code"] == "RATE_LIMITED"
    assert 1 <= int(got.headers["retry-after"]) <= 60


def test_not_ready_without_the_index_is_503(tiny_dir: Path, tmp_path: Path) -> None:
    data = copy_data_dir(tiny_dir, tmp_path / "data", "index")
    with local_server(Settings(data_dir=data)) as url:
        (data / "index").mkdir(exist_ok=True)
        (data / "index").rmdir()
        got = httpx.get(f"{url}/readyz", timeout=60)
    assert got.status_code == 503
    assert got.json()["parts"]["index"] is False and got.json()["parts"]["warehouse"] is True


def test_cors_allows_only_the_configured_origin(tiny_dir: Path, tmp_path: Path) -> None:
    data = copy_data_dir(tiny_dir, tmp_path / "data")
    portal = "https://portal.bank.example"
    with local_server(Settings(data_dir=data, api_cors_origins=(portal,))) as url:
        preflight = {"Access-Control-Request-Method": "POST"}
        allowed = httpx.options(f"{url}/v1/ask", headers={"Origin": portal, **preflight})
        other = httpx.options(
            f"{url}/v1/ask", headers={"Origin": "https://evil.example", **preflight}
        )
    assert allowed.headers["access-control-allow-origin"] == portal
    assert "access-control-allow-origin" not in other.headers
