"""The identity the bank's reverse proxy signs into headers: accepted from a configured proxy
with a valid HMAC and a fresh timestamp only; the signature is computed here with hmac itself,
as a proxy (nginx/OpenResty, the portal) would, not with asker's code."""

from __future__ import annotations

import hashlib
import hmac
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from asker import api
from asker.config import Settings
from asker.errors import AccessDenied, ConfigError
from tests.helpers import copy_data_dir

SECRET = "portal-shared-secret-for-tests"
PROXY = "10.20.0.7"


def signed(
    user: str,
    groups: str,
    org: str,
    name: str = "",
    *,
    secret: str = SECRET,
    at: float | None = None,
) -> dict[str, str]:
    values = [quote(user), quote(groups), quote(org), "", quote(name)]
    stamp = str(int(time.time() if at is None else at))
    text = "\n".join([stamp, *values]).encode()
    return {
        "X-Asker-User": values[0],
        "X-Asker-Groups": values[1],
        "X-Asker-Org": values[2],
        "X-Asker-Emp": values[3],
        "X-Asker-Name": values[4],
        "X-Asker-Timestamp": stamp,
        "X-Asker-Signature": hmac.new(secret.encode(), text, hashlib.sha256).hexdigest(),
    }


@pytest.fixture(scope="module")
def rt(tiny_dir: Path, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    data = copy_data_dir(tiny_dir, tmp_path_factory.mktemp("header") / "data", "index")
    settings = Settings(
        data_dir=data,
        trusted_header_proxies=(PROXY, "192.168.50.0/24"),
        trusted_header_secret=SECRET,
        trusted_header_max_age_s=60,
    )
    runtime = api.open_runtime(settings)
    yield runtime
    runtime.close()


def test_a_signed_header_from_a_proxy_names_the_user(rt: api.Runtime) -> None:
    headers = signed("qin.yu", "asker-branch-managers", "B05", "秦雨")
    who = api.sign_in_with_headers(rt, PROXY, headers)
    assert (who.user_id, who.role, who.org_id, who.display_name) == (
        "qin.yu",
        "branch_manager",
        "B05",
        "秦雨",
    )
    assert api.sign_in_with_headers(rt, "192.168.50.9", headers).user_id == "qin.yu"
    record = rt.audit.search(user_id="qin.yu", action="login", limit=1)[0].record
    assert (record["decision"], record["flags"]) == ("ok", ["via:header"])


@pytest.mark.parametrize("peer", ["10.20.0.8", "127.0.0.1", "::1", "not-an-address", ""])
def test_the_same_header_from_anywhere_else_is_refused(rt: api.Runtime, peer: str) -> None:
    with pytest.raises(AccessDenied) as refused:
        api.sign_in_with_headers(rt, peer, signed("qin.yu", "asker-hq-analysts", "HQ"))
    assert refused.value.code == "HEADER_REFUSED"
    assert "proxy" in refused.value.message("en") and "代理" in refused.value.message("zh")
    record = rt.audit.search(action="login", limit=1)[0].record
    assert (record["decision"], record["codes"]) == ("refused", ["HEADER_REFUSED"])


def test_a_bad_signature_is_refused(rt: api.Runtime) -> None:
    wrong_key = signed("qin.yu", "asker-hq-analysts", "HQ", secret="guessed")
    forged_role = signed("qin.yu", "asker-branch-managers", "B05")
    forged_role["X-Asker-Groups"] = "asker-hq-analysts"  # edited after signing
    unsigned = {
        k: v
        for k, v in signed("qin.yu", "asker-hq-analysts", "HQ").items()
        if k != "X-Asker-Signature"
    }
    for headers in (wrong_key, forged_role, unsigned):
        with pytest.raises(AccessDenied) as refused:
            api.sign_in_with_headers(rt, PROXY, headers)
        assert refused.value.code == "HEADER_REFUSED"
        assert "signature" in refused.value.message("en")


@pytest.mark.parametrize("age_s", [-300, 300])
def test_a_replayed_or_future_header_is_refused(rt: api.Runtime, age_s: int) -> None:
    old = signed("qin.yu", "asker-branch-managers", "B05", at=time.time() - age_s)
    with pytest.raises(AccessDenied) as refused:
        api.sign_in_with_headers(rt, PROXY, old)
    assert "stale" in refused.value.message("en")


def test_an_unmapped_group_gets_no_role(rt: api.Runtime) -> None:
    with pytest.raises(AccessDenied) as refused:
        api.sign_in_with_headers(rt, PROXY, signed("qin.yu", "all-staff", "B05"))
    assert refused.value.code == "DIRECTORY_NO_ROLE"


def test_an_own_account_cannot_be_claimed_by_a_header(rt: api.Runtime) -> None:
    with pytest.raises(AccessDenied):
        api.sign_in_with_headers(rt, PROXY, signed("zhang.wei", "asker-auditors", "HQ"))


def test_proxies_without_a_secret_are_a_configuration_error(tiny_dir: Path) -> None:
    settings = Settings(data_dir=tiny_dir, trusted_header_proxies=(PROXY,))
    with pytest.raises(ConfigError) as failed:
        api.open_runtime(settings)
    assert "trusted_header_secret" in failed.value.message("en")


def test_directory_sign_in_needs_the_policys_mapping(tiny_dir: Path, tmp_path: Path) -> None:
    policy = (Path(api.__file__).parent.parent / "access" / "policy.yaml").read_text("utf-8")
    start, end = policy.index("directory:"), policy.index("pii_sets:")
    bare = tmp_path / "policy.yaml"
    bare.write_text(policy[:start] + policy[end:], encoding="utf-8")
    settings: Any = Settings(
        data_dir=tiny_dir,
        policy_file=bare,
        trusted_header_proxies=(PROXY,),
        trusted_header_secret=SECRET,
    )
    with pytest.raises(ConfigError) as failed:
        api.open_runtime(settings)
    assert failed.value.code == "DIRECTORY_NOT_MAPPED"
