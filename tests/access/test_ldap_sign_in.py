"""Password sign-in against a real LDAP directory (Debian's slapd on loopback, tests/slapd.py):
groups become roles and the org attribute the row scope, through the policy's directory map."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from asker import api
from asker.access.demo_users import DEMO_PASSWORD
from asker.config import Settings
from asker.errors import AccessDenied, ConfigError
from tests.helpers import copy_data_dir, result_diff, rows
from tests.shared_servers import free_port
from tests.slapd import PASSWORDS

# 存款余额 on the data date by 支行 of 成都分行 (B05), written from the 口径 in ARCHITECTURE §5.
CHENGDU_SUBBRANCH_DEPOSITS = """
    SELECT o.org_name, SUM(f.balance) FROM fact_deposit_balance_daily f
    JOIN dim_org o ON o.org_id = f.org_id
    WHERE f.biz_date = DATE '2026-09-30' AND o.branch_id = 'B05' GROUP BY o.org_name"""


def _settings(data_dir: Path, ldap: dict[str, Any], **more: Any) -> Settings:
    return Settings(
        data_dir=data_dir,
        ldap_url=ldap["url"],
        ldap_user_dn=ldap["user_dn"],
        ldap_base_dn=ldap["base"],
        **more,
    )


@pytest.fixture(scope="module")
def rt(tiny_dir: Path, tmp_path_factory: pytest.TempPathFactory, ldap_directory: dict[str, Any]):  # type: ignore[no-untyped-def]
    data = copy_data_dir(tiny_dir, tmp_path_factory.mktemp("ldap") / "data", "index")
    runtime = api.open_runtime(_settings(data, ldap_directory, login_max_failures=3))
    yield runtime
    runtime.close()


def _last_login(rt: api.Runtime, user: str) -> dict[str, Any]:
    return rt.audit.search(user_id=user, action="login", limit=1)[0].record


def test_the_directory_decides_role_org_and_name(rt: api.Runtime) -> None:
    who = api.login(rt, "wu.lei", PASSWORDS["wu.lei"])
    assert (who.user_id, who.role, who.org_id, who.display_name) == (
        "wu.lei",
        "branch_manager",
        "B05",
        "吴磊",
    )
    record = _last_login(rt, "wu.lei")
    assert (record["decision"], record["role"], record["flags"]) == (
        "ok",
        "branch_manager",
        ["via:password"],
    )


def test_the_ldap_user_sees_only_their_branch(rt: api.Runtime, tiny_executor: Any) -> None:
    who = api.login(rt, "wu.lei", PASSWORDS["wu.lei"])
    answer = api.ask(rt, who, "各支行存款余额")
    assert answer.status == "ok", answer.message
    want = rows(tiny_executor, CHENGDU_SUBBRANCH_DEPOSITS)
    assert len(want) > 1
    assert result_diff(answer.rows, want) is None, result_diff(answer.rows, want)
    everyone = rows(tiny_executor, CHENGDU_SUBBRANCH_DEPOSITS.replace("o.branch_id = 'B05'", "1=1"))
    assert len(everyone) > len(want)  # the scope took rows away


def test_a_wrong_password_is_refused_and_counts_toward_the_lockout(rt: api.Runtime) -> None:
    for _ in range(3):
        with pytest.raises(AccessDenied) as refused:
            api.login(rt, "fang.hua", "not-the-password")
        assert refused.value.code == "LOGIN_FAILED"
    with pytest.raises(AccessDenied) as locked:
        api.login(rt, "fang.hua", PASSWORDS["fang.hua"])  # the right one, too late
    assert locked.value.code == "ACCOUNT_LOCKED"
    assert "fang.hua" in locked.value.message("zh") and "locked" in locked.value.message("en")
    record = _last_login(rt, "fang.hua")
    assert (record["decision"], record["codes"]) == ("refused", ["ACCOUNT_LOCKED"])


def test_a_user_in_no_mapped_group_gets_no_role_and_is_told_why(rt: api.Runtime) -> None:
    with pytest.raises(AccessDenied) as refused:
        api.login(rt, "he.yun", PASSWORDS["he.yun"])
    assert refused.value.code == "DIRECTORY_NO_ROLE"
    zh, en = refused.value.message("zh"), refused.value.message("en")
    assert "he.yun" in zh and "asker-visitors" in zh and "directory.groups" in zh
    assert "no data role" in en and "all-staff" in en
    assert _last_login(rt, "he.yun")["codes"] == ["DIRECTORY_NO_ROLE"]


def test_a_user_without_an_org_unit_is_refused(rt: api.Runtime) -> None:
    with pytest.raises(AccessDenied) as refused:
        api.login(rt, "ma.lin", PASSWORDS["ma.lin"])
    assert refused.value.code == "DIRECTORY_NO_ORG"
    assert "departmentNumber" in refused.value.message("en")


@pytest.mark.parametrize("user", ["wu.lei", "*", "wu.lei)(uid=*", "nobody.here"])
def test_empty_passwords_and_forged_names_never_sign_in(rt: api.Runtime, user: str) -> None:
    for password in ("", "x"):  # an empty password is an anonymous bind LDAP would accept
        with pytest.raises(AccessDenied) as refused:
            api.login(rt, user, password)
        assert refused.value.code in ("LOGIN_FAILED", "ACCOUNT_LOCKED")


def test_ascers_own_accounts_keep_their_passwords(rt: api.Runtime) -> None:
    who = api.login(rt, "zhang.wei", DEMO_PASSWORD)
    assert who.role == "hq_analyst"
    with pytest.raises(AccessDenied):
        api.login(rt, "zhang.wei", PASSWORDS["wu.lei"])


def test_the_directory_user_is_then_known_to_the_command_line(rt: api.Runtime) -> None:
    api.login(rt, "wu.lei", PASSWORDS["wu.lei"])
    assert api.local_user(rt, "wu.lei").org_id == "B05"


def test_an_unreachable_directory_is_a_clear_error(
    tiny_dir: Path, tmp_path: Path, ldap_directory: dict[str, Any]
) -> None:
    data = copy_data_dir(tiny_dir, tmp_path / "data", "index")
    dead = {**ldap_directory, "url": f"ldap://127.0.0.1:{free_port()}"}
    runtime = api.open_runtime(_settings(data, dead, ldap_timeout_s=1))
    try:
        with pytest.raises(ConfigError) as failed:
            api.login(runtime, "wu.lei", PASSWORDS["wu.lei"])
        assert failed.value.code == "DIRECTORY_UNAVAILABLE"
        assert "127.0.0.1" in failed.value.message("en")
    finally:
        runtime.close()
