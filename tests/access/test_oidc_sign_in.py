"""OIDC against a local provider over real HTTP (tests/oidc_provider.py, authlib's server parts):
the authorization code + PKCE flow gives an access token asker accepts as the mapped user; an
expired token, a wrong audience, another key's signature and a tampered token are refused; a
rotated key is fetched again on its unknown key id."""

from __future__ import annotations

import base64
import json
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from authlib.common.security import generate_token
from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.httpx_client import OAuth2Client
from joserfc import jwt
from joserfc.jwk import RSAKey

from asker import api
from asker.access.oidc import AccessTokenValidator, IdentityProvider
from asker.access.policy import load_policy
from asker.config import Settings
from asker.errors import AccessDenied
from tests.access.test_ldap_sign_in import CHENGDU_SUBBRANCH_DEPOSITS
from tests.helpers import copy_data_dir, result_diff, rows

REDIRECT = "http://127.0.0.1:9/oauth2callback"  # never called: the test reads the redirect


def code_flow(provider: dict[str, Any], user: str, *, verifier: str | None = None) -> Any:
    """What a browser and asker's client do: authorize with PKCE, sign in, trade the code."""
    meta = httpx.get(f"{provider['issuer']}/.well-known/openid-configuration").json()
    client = OAuth2Client(
        provider["client_id"],
        provider["client_secret"],
        scope="openid profile",
        redirect_uri=REDIRECT,
        code_challenge_method="S256",
    )
    code_verifier = generate_token(48)
    url, _ = client.create_authorization_url(
        meta["authorization_endpoint"], code_verifier=code_verifier, nonce=generate_token(12)
    )
    password = provider["users"][user]["password"]
    back = httpx.post(url, data={"username": user, "password": password})
    assert back.status_code == 302, back.text
    return client.fetch_token(
        meta["token_endpoint"],
        authorization_response=back.headers["location"],
        code_verifier=verifier or code_verifier,
    )


def mint(provider: dict[str, Any], user: str, **form: Any) -> str:
    minted = httpx.post(f"{provider['issuer']}/test/mint", data={"user": user, **form})
    token: str = minted.json()["access_token"]
    return token


@pytest.fixture(scope="module")
def rt(tiny_dir: Path, tmp_path_factory: pytest.TempPathFactory, oidc_provider: dict[str, Any]):  # type: ignore[no-untyped-def]
    data = copy_data_dir(tiny_dir, tmp_path_factory.mktemp("oidc") / "data", "index")
    settings = Settings(
        data_dir=data,
        oidc_issuer=oidc_provider["issuer"],
        oidc_client_id=oidc_provider["client_id"],
        oidc_client_secret=oidc_provider["client_secret"],
        oidc_jwks_min_refresh_s=0,
    )
    runtime = api.open_runtime(settings)
    yield runtime
    runtime.close()


def validator(provider: dict[str, Any], *, min_refresh_s: float = 0) -> AccessTokenValidator:
    mapping = load_policy().directory
    assert mapping is not None
    idp = IdentityProvider(provider["issuer"], min_refresh_s=min_refresh_s)
    return AccessTokenValidator(idp, provider["client_id"], mapping)


def test_code_flow_with_pkce_signs_in_as_the_mapped_user(
    rt: api.Runtime, oidc_provider: dict[str, Any], tiny_executor: Any
) -> None:
    token = code_flow(oidc_provider, "zheng.hao")
    assert "id_token" in token
    who = api.sign_in_with_token(rt, token["access_token"])
    assert (who.user_id, who.role, who.org_id, who.display_name) == (
        "zheng.hao",
        "branch_manager",
        "B05",
        "郑浩",
    )
    record = rt.audit.search(user_id="zheng.hao", action="login", limit=1)[0].record
    assert (record["decision"], record["flags"]) == ("ok", ["via:oidc"])
    answer = api.ask(rt, who, "各支行存款余额")
    assert answer.status == "ok", answer.message
    want = rows(tiny_executor, CHENGDU_SUBBRANCH_DEPOSITS)
    assert result_diff(answer.rows, want) is None, result_diff(answer.rows, want)


def test_the_token_endpoint_wants_the_pkce_verifier(oidc_provider: dict[str, Any]) -> None:
    with pytest.raises(OAuthError) as refused:
        code_flow(oidc_provider, "zheng.hao", verifier=generate_token(48))
    assert refused.value.error == "invalid_grant"


def test_expired_tokens_are_refused(rt: api.Runtime, oidc_provider: dict[str, Any]) -> None:
    token = mint(oidc_provider, "zheng.hao", lifetime_s=-600)
    with pytest.raises(AccessDenied) as refused:
        api.sign_in_with_token(rt, token)
    assert refused.value.code == "TOKEN_INVALID" and "expired" in refused.value.message("en")
    record = rt.audit.search(action="login", limit=1)[0].record
    assert (record["decision"], record["codes"]) == ("refused", ["TOKEN_INVALID"])


def test_a_token_for_another_audience_is_refused(
    rt: api.Runtime, oidc_provider: dict[str, Any]
) -> None:
    token = mint(oidc_provider, "zheng.hao", audience="another-app")
    with pytest.raises(AccessDenied) as refused:
        api.sign_in_with_token(rt, token)
    assert refused.value.code == "TOKEN_INVALID" and "aud" in refused.value.message("en")


def test_a_token_signed_by_another_key_is_refused(
    rt: api.Runtime, oidc_provider: dict[str, Any]
) -> None:
    real = mint(oidc_provider, "zheng.hao")
    header_kid = httpx.get(f"{oidc_provider['issuer']}/jwks").json()["keys"][-1]["kid"]
    claims = {
        "iss": oidc_provider["issuer"],
        "aud": oidc_provider["client_id"],
        "sub": "zheng.hao",
        "preferred_username": "zheng.hao",
        "groups": ["asker-hq-analysts"],
        "departmentNumber": "HQ",
        "exp": int(time.time()) + 300,
    }
    forger = RSAKey.generate_key(2048)
    for kid in (header_kid, "forged-kid"):  # the provider's key id, and one it never had
        forged = jwt.encode({"alg": "RS256", "kid": kid}, claims, forger)
        with pytest.raises(AccessDenied) as refused:
            api.sign_in_with_token(rt, forged)
        assert refused.value.code == "TOKEN_INVALID"
    head, body, signature = real.split(".")
    tampered = f"{head}.{body[:-4]}AAAA.{signature}"
    with pytest.raises(AccessDenied):
        api.sign_in_with_token(rt, tampered)
    unsigned = jwt.encode({"alg": "HS256"}, claims, _oct_key())
    with pytest.raises(AccessDenied):
        api.sign_in_with_token(rt, unsigned)


def _oct_key() -> Any:
    from joserfc.jwk import OctKey

    return OctKey.generate_key(256)


def test_a_rotated_key_is_fetched_again(oidc_provider: dict[str, Any]) -> None:
    check = validator(oidc_provider)
    assert check.principal(mint(oidc_provider, "zheng.hao")).role == "branch_manager"
    rotated = httpx.post(f"{oidc_provider['issuer']}/test/rotate").json()["kid"]
    token = mint(oidc_provider, "zheng.hao")
    assert json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))["kid"] == rotated
    assert check.principal(token).user_id == "zheng.hao"  # unknown kid -> keys fetched again


def test_unknown_key_ids_do_not_hammer_the_provider(oidc_provider: dict[str, Any]) -> None:
    check = validator(oidc_provider, min_refresh_s=3600)
    check.principal(mint(oidc_provider, "zheng.hao"))  # keys fetched once
    httpx.post(f"{oidc_provider['issuer']}/test/rotate")
    with pytest.raises(AccessDenied) as refused:  # within the refresh interval: not re-fetched
        check.principal(mint(oidc_provider, "zheng.hao"))
    assert "unknown key" in refused.value.message("en")


def test_a_user_in_no_mapped_group_gets_no_role(
    rt: api.Runtime, oidc_provider: dict[str, Any]
) -> None:
    token = code_flow(oidc_provider, "lu.yan")
    with pytest.raises(AccessDenied) as refused:
        api.sign_in_with_token(rt, token["access_token"])
    assert refused.value.code == "DIRECTORY_NO_ROLE" and "all-staff" in refused.value.message()


def test_the_id_token_is_bound_to_the_client(oidc_provider: dict[str, Any]) -> None:
    token = code_flow(oidc_provider, "zheng.hao")
    claims = jwt.decode(token["id_token"], _provider_keys(oidc_provider)).claims
    assert oidc_provider["client_id"] in claims["aud"] and claims["sub"] == "zheng.hao"


def _provider_keys(provider: dict[str, Any]) -> Any:
    from joserfc.jwk import KeySet

    return KeySet.import_key_set(httpx.get(f"{provider['issuer']}/jwks").json())
