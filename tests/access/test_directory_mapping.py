"""The policy's ``directory`` section: groups to roles (first match, case-insensitive, cn or DN),
checked against the roles; and the chat app's SSO secrets written for st.login."""

from __future__ import annotations

import stat
import tomllib
from importlib import resources
from pathlib import Path

import pytest

from asker import api
from asker.access.directory import DirectoryEntry, DirectoryMapping, group_names, principal_from
from asker.access.policy import parse_policy
from asker.config import Settings
from asker.errors import AccessDenied, ConfigError
from asker.warehouse.catalog import load_catalog

POLICY = resources.files("asker.access").joinpath("policy.yaml").read_text(encoding="utf-8")


def test_the_first_mapped_group_decides_and_names_compare_without_case() -> None:
    mapping = DirectoryMapping((("asker-hq-analysts", "hq_analyst"), ("asker-auditors", "auditor")))
    groups = group_names(["CN=Asker-Auditors,OU=Groups,DC=bank", "cn=asker-hq-analysts,ou=g"])
    assert mapping.role_for(groups) == "hq_analyst"
    assert mapping.role_for(group_names(["CN=Asker-Auditors,OU=Groups,DC=bank"])) == "auditor"
    by_dn = DirectoryMapping((("cn=asker-auditors,ou=groups,dc=bank", "auditor"),))
    assert by_dn.role_for(group_names(["CN=Asker-Auditors,OU=Groups,DC=bank"])) == "auditor"
    assert mapping.role_for(["asker-hq-analysts-old", "staff"]) is None


def test_no_mapped_group_is_no_role_and_never_a_default() -> None:
    mapping = DirectoryMapping((("asker-hq-analysts", "hq_analyst"),))
    with pytest.raises(AccessDenied) as refused:
        principal_from(mapping, "x.y", DirectoryEntry(("staff",), "HQ"))
    assert refused.value.code == "DIRECTORY_NO_ROLE"


def test_the_policy_refuses_a_group_mapped_to_an_unknown_role() -> None:
    broken = POLICY.replace("asker-auditors: auditor", "asker-auditors: chief_auditor")
    with pytest.raises(ConfigError) as invalid:
        parse_policy(broken, load_catalog())
    assert "chief_auditor" in invalid.value.message("en")


def test_the_shipped_policy_maps_every_role() -> None:
    policy = parse_policy(POLICY, load_catalog())
    assert policy.directory is not None
    assert set(policy.directory.roles) == set(policy.role_names)


def test_sso_secrets_are_written_for_st_login_and_private(tmp_path: Path) -> None:
    assert api.chat_sso_secrets(Settings(data_dir=tmp_path)) is None  # not configured
    settings = Settings(
        data_dir=tmp_path,
        oidc_issuer="https://idp.bank.local/realms/staff",
        oidc_client_id="asker",
        oidc_client_secret='se"cret',
        oidc_redirect_uri="https://asker.bank.local/oauth2callback",
    )
    written = api.chat_sso_secrets(settings)
    assert written is not None
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    auth = tomllib.loads(written.read_text(encoding="utf-8"))["auth"]
    assert auth["server_metadata_url"] == (
        "https://idp.bank.local/realms/staff/.well-known/openid-configuration"
    )
    assert auth["client_secret"] == 'se"cret' and auth["expose_tokens"] == ["access"]
    assert auth["client_kwargs"]["code_challenge_method"] == "S256"
    first = auth["cookie_secret"]
    assert len(first) >= 32
    again = tomllib.loads(api.chat_sso_secrets(settings).read_text(encoding="utf-8"))  # type: ignore[union-attr]
    assert again["auth"]["cookie_secret"] == first  # kept: sign-ins survive a restart
