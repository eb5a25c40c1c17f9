"""API tokens from the command line (``asker tokens create|list|revoke``): each issue and revoke
is audited (action ``token_admin``); the secret is shown once and only its hash is kept."""

from __future__ import annotations

import datetime as dt
import secrets

from asker.access import accounts, tokens
from asker.access.tokens import IssuedToken, TokenInfo
from asker.api.audit import record
from asker.api.runtime import Runtime
from asker.errors import AskerError, UserFacingError
from asker.types import Principal


def create_token(
    rt: Runtime, user_id: str, *, days: int | None = None
) -> tuple[IssuedToken, dt.datetime]:
    """A new token acting as ``user_id`` and when it expires (default ``ASKER_API_TOKEN_DAYS``)."""
    issued, expires = tokens.create(
        rt.app_db, user_id, rt.clock.now(), days if days is not None else rt.settings.api_token_days
    )
    rt.audit.append(
        record(None, "token_admin", user_id=user_id, question=f"create {issued.token_id}")
    )
    return issued, expires


def list_tokens(rt: Runtime, user_id: str | None = None) -> tuple[TokenInfo, ...]:
    return tokens.listed(rt.app_db, user_id)


def revoke_token(rt: Runtime, token_id: str) -> TokenInfo:
    info = tokens.revoke(rt.app_db, token_id, rt.clock.now())
    rt.audit.append(
        record(None, "token_admin", user_id=info.user_id, question=f"revoke {token_id}")
    )
    return info


def add_service_account(rt: Runtime, user_id: str, role: str, org_id: str) -> Principal:
    """A user of its own for a portal or an app, with a role of the policy and an org unit of
    the warehouse, and a random password nobody knows (it signs in by token only)."""
    try:
        accounts.principal(rt.app_db, user_id)
    except AskerError:
        pass
    else:
        raise UserFacingError("ACCOUNT_EXISTS", user=user_id)
    try:
        if role not in rt.policy.role_names:
            raise KeyError(role)
        rt.services().orgs.get(org_id)
    except (KeyError, AskerError):
        roles = ", ".join(rt.policy.role_names)
        raise UserFacingError(
            "SERVICE_ACCOUNT_INVALID", user=user_id, role=role, org=org_id, roles=roles
        ) from None
    who = Principal(user_id, role, org_id, "", user_id)
    accounts.add_account(rt.app_db, who, secrets.token_urlsafe(32))
    rt.audit.append(record(who, "token_admin", question=f"service account {role} {org_id}"))
    return who
