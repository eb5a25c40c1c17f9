"""API tokens from the command line (``asker tokens create|list|revoke``): each issue and revoke
is audited (action ``token_admin``); the secret is shown once and only its hash is kept."""

from __future__ import annotations

import datetime as dt

from asker.access import tokens
from asker.access.tokens import IssuedToken, TokenInfo
from asker.api.audit import record
from asker.api.runtime import Runtime


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
