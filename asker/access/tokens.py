"""API tokens: a long random secret that acts as one user of the app database (their role, org
unit and employee id), for the bank's portal and its service accounts over ``asker api``.

Only the sha256 of a token is stored (the secret has 256 bits of entropy, so a slow hash adds
nothing); the token's id is its public part, shown by ``asker tokens list`` and used to revoke it.
A token of this kind starts with ``asker_`` so the chain of bearer validators knows whose it is.

>>> issued = new_token()
>>> issued.token.startswith(PREFIX + issued.token_id + "_"), len(issued.token_hash)
(True, 64)
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import Column, Engine, String, Table, select, update

from asker.access import accounts
from asker.appstate.database import UtcDateTime, metadata
from asker.errors import AccessDenied, UserFacingError
from asker.types import Principal

PREFIX = "asker_"
UNKNOWN_EXPIRED_OR_REVOKED = "不存在、已过期或已被吊销 unknown, expired or revoked"

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("token_id", String(16), primary_key=True),  # public: listed, revoked by it
    Column("user_id", String(64), nullable=False, index=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("expires_at", UtcDateTime(), nullable=False),
    Column("revoked_at", UtcDateTime(), nullable=True),
    Column("last_used_at", UtcDateTime(), nullable=True),
)


@dataclass(frozen=True)
class IssuedToken:
    token: str  # shown once, never stored
    token_id: str
    token_hash: str


@dataclass(frozen=True)
class TokenInfo:
    """A stored token as ``asker tokens list`` shows it (never the secret)."""

    token_id: str
    user_id: str
    created_at: dt.datetime
    expires_at: dt.datetime
    revoked_at: dt.datetime | None
    last_used_at: dt.datetime | None

    def state(self, now: dt.datetime) -> str:
        if self.revoked_at is not None:
            return "revoked"
        return "expired" if self.expires_at <= now else "active"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> IssuedToken:
    token_id = secrets.token_hex(6)
    token = f"{PREFIX}{token_id}_{secrets.token_urlsafe(32)}"
    return IssuedToken(token, token_id, token_hash(token))


def create(
    engine: Engine, user_id: str, now: dt.datetime, days: int
) -> tuple[IssuedToken, dt.datetime]:
    """Issue a token acting as ``user_id`` (UNKNOWN_USER when there is no such account)."""
    if days < 1:
        raise UserFacingError("TOKEN_DAYS_INVALID", days=days)
    accounts.principal(engine, user_id)
    issued, expires = new_token(), now + dt.timedelta(days=days)
    with engine.begin() as con:
        con.execute(
            api_tokens.insert().values(
                token_id=issued.token_id,
                user_id=user_id,
                token_hash=issued.token_hash,
                created_at=now,
                expires_at=expires,
            )
        )
    return issued, expires


def listed(engine: Engine, user_id: str | None = None) -> tuple[TokenInfo, ...]:
    query = select(api_tokens).order_by(api_tokens.c.created_at)
    if user_id is not None:
        query = query.where(api_tokens.c.user_id == user_id)
    with engine.connect() as con:
        rows = con.execute(query).all()
    return tuple(
        TokenInfo(r.token_id, r.user_id, r.created_at, r.expires_at, r.revoked_at, r.last_used_at)
        for r in rows
    )


def revoke(engine: Engine, token_id: str, now: dt.datetime) -> TokenInfo:
    """Revoke the token (TOKEN_NOT_FOUND when there is none with that id); revoking twice keeps
    the first time."""
    with engine.begin() as con:
        con.execute(
            update(api_tokens)
            .where(api_tokens.c.token_id == token_id, api_tokens.c.revoked_at.is_(None))
            .values(revoked_at=now)
        )
    found = [t for t in listed(engine) if t.token_id == token_id]
    if not found:
        raise UserFacingError("TOKEN_NOT_FOUND", token_id=token_id)
    return found[0]


@dataclass(frozen=True)
class ApiTokenValidator:
    """The ``BearerValidator`` of asker's own API tokens: None for a token of another kind
    (an IdP's access token), the user's principal for a live one, TOKEN_INVALID otherwise."""

    engine: Engine

    def principal_for(self, token: str, now: dt.datetime) -> Principal | None:
        if not token.startswith(PREFIX):
            return None
        with self.engine.connect() as con:
            row = con.execute(
                select(api_tokens).where(api_tokens.c.token_hash == token_hash(token))
            ).first()
        if row is None or row.revoked_at is not None or row.expires_at <= now:
            # one code and reason for unknown, revoked and expired: a prober learns nothing
            raise AccessDenied("TOKEN_INVALID", reason=UNKNOWN_EXPIRED_OR_REVOKED)
        with self.engine.begin() as con:
            con.execute(
                update(api_tokens)
                .where(api_tokens.c.token_id == row.token_id)
                .values(last_used_at=now)
            )
        return accounts.principal(self.engine, row.user_id)
