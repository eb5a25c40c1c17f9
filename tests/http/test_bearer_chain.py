"""``asker api`` with single sign-on configured: one chain of bearer validators holds asker's own
API tokens and the local OIDC provider's access tokens (tests/oidc_provider.py over real HTTP).
Each opens ``/v1/ask`` as its own user and row scope; a refused token of either kind, and a token
of neither, is 401 TOKEN_INVALID and is never passed on to the other kind's validator."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from asker import api
from asker.access.identity import OidcBearerValidator
from asker.config import Settings
from asker.warehouse.engine import DuckDBExecutor
from tests.access.test_ldap_sign_in import CHENGDU_SUBBRANCH_DEPOSITS
from tests.access.test_oidc_sign_in import code_flow, mint
from tests.helpers import copy_data_dir, result_diff, rows
from tests.http.conftest import issue_token, local_server

QUESTION = {"question": "各支行存款余额"}


def _settings(data: Path, provider: dict[str, Any]) -> Settings:
    return Settings(
        data_dir=data,
        oidc_issuer=provider["issuer"],
        oidc_client_id=provider["client_id"],
        oidc_client_secret=provider["client_secret"],
        oidc_jwks_min_refresh_s=0,
    )


@pytest.fixture(scope="module")
def sso_api(
    tiny_dir: Path, tmp_path_factory: pytest.TempPathFactory, oidc_provider: dict[str, Any]
) -> Iterator[tuple[str, Path]]:
    data = copy_data_dir(tiny_dir, tmp_path_factory.mktemp("chain") / "data")
    with local_server(_settings(data, oidc_provider)) as url:
        yield url, data


def _ask(url: str, token: str) -> httpx.Response:
    with httpx.Client(base_url=url, timeout=120) as client:
        return client.post("/v1/ask", json=QUESTION, headers={"Authorization": f"Bearer {token}"})


def test_the_chain_holds_api_tokens_then_oidc_access_tokens(
    tiny_dir: Path, tmp_path: Path, oidc_provider: dict[str, Any]
) -> None:
    data = copy_data_dir(tiny_dir, tmp_path / "data", "index")
    rt = api.open_runtime(_settings(data, oidc_provider))
    try:
        kinds = [type(v).__name__ for v in rt.bearer_validators]
        assert kinds == ["ApiTokenValidator", "OidcBearerValidator"]
        assert isinstance(rt.bearer_validators[1], OidcBearerValidator)
    finally:
        rt.close()
    plain = api.open_runtime(Settings(data_dir=data))  # no single sign-on: API tokens alone
    try:
        assert [type(v).__name__ for v in plain.bearer_validators] == ["ApiTokenValidator"]
    finally:
        plain.close()


def test_an_oidc_access_token_opens_the_api_as_the_mapped_user(
    sso_api: tuple[str, Path], oidc_provider: dict[str, Any], tiny_executor: DuckDBExecutor
) -> None:
    url, _ = sso_api
    token = code_flow(oidc_provider, "zheng.hao")["access_token"]
    got = _ask(url, token)
    assert got.status_code == 200, got.text
    answer = got.json()
    want = rows(tiny_executor, CHENGDU_SUBBRANCH_DEPOSITS)  # zheng.hao: B05's branch manager
    assert result_diff(answer["rows"], want) is None, result_diff(answer["rows"], want)


def test_an_api_token_still_opens_the_api_beside_sso(
    sso_api: tuple[str, Path], tiny_executor: DuckDBExecutor
) -> None:
    url, data = sso_api
    got = _ask(url, issue_token(data, "li.na"))  # li.na: 成都分行's branch manager, asker's own
    assert got.status_code == 200, got.text
    want = rows(tiny_executor, CHENGDU_SUBBRANCH_DEPOSITS)
    assert result_diff(got.json()["rows"], want) is None, result_diff(got.json()["rows"], want)


def test_refused_tokens_of_either_kind_and_of_neither(
    sso_api: tuple[str, Path], oidc_provider: dict[str, Any]
) -> None:
    url, data = sso_api
    expired = _ask(url, mint(oidc_provider, "zheng.hao", lifetime_s=-600))
    assert expired.status_code == 401 and expired.json()["code"] == "TOKEN_INVALID"
    assert "expired" in expired.json()["message_en"]
    wrong_audience = _ask(url, mint(oidc_provider, "zheng.hao", audience="another-app"))
    assert wrong_audience.status_code == 401
    forged_api = _ask(url, issue_token(data, "li.na")[:-4] + "AAAA")
    assert forged_api.status_code == 401 and forged_api.json()["code"] == "TOKEN_INVALID"
    assert "revoked" in forged_api.json()["message_en"]
    neither = _ask(url, "not-a-token-of-any-kind")
    assert neither.status_code == 401 and neither.json()["code"] == "TOKEN_INVALID"
    no_role = _ask(url, code_flow(oidc_provider, "lu.yan")["access_token"])
    assert no_role.status_code == 403 and no_role.json()["code"] == "DIRECTORY_NO_ROLE"
