"""The HTTP contract is reviewed: the OpenAPI document the running ``asker api`` serves is the
one checked in at docs/openapi.json (``pytest --update-snapshots`` rewrites it)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.http.conftest import Server
from tests.snapshots import assert_snapshot

DOC = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"


def test_the_served_openapi_document_is_the_checked_in_one(
    server: Server, request: pytest.FixtureRequest
) -> None:
    with server.client() as client:
        served = client.get("/openapi.json")
    assert served.status_code == 200
    text = json.dumps(served.json(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    assert_snapshot(request, DOC, text)


def test_every_v1_operation_declares_bearer_credentials_and_its_error_statuses() -> None:
    doc = json.loads(DOC.read_text(encoding="utf-8"))
    assert doc["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    for path, operations in doc["paths"].items():
        for method, operation in operations.items():
            if path.startswith("/v1/"):
                assert operation["security"] == [{"HTTPBearer": []}, {"TrustedHeader": []}], (
                    method,
                    path,
                )
                assert {"401", "403", "422", "429", "503"} <= set(operation["responses"]), path
            else:
                assert "security" not in operation, (method, path)
