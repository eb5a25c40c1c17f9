"""Who is asking: one ``Authenticator`` turns credentials into a ``Principal``, and a ``Session``
says when a signed-in person must sign in again.

Today's authenticator checks credentials against asker's own accounts in the app database (argon2
hashes, lockout after repeated failures). ``LocalUser`` is the operator's own shell: whoever can
read the data dir can act as any of its users (``asker ask --user U``), so the account must exist
but no password is asked. Single sign-on and directory binds are further ``Authenticator``s.

>>> import datetime as dt
>>> start = dt.datetime(2026, 9, 30, 9, 0, tzinfo=dt.UTC)
>>> session = Session(Principal("li.na", "teller", "B05", "E0100", "李娜"), start)
>>> session.expired(start + dt.timedelta(hours=7), hours=8), session.expired(
...     start + dt.timedelta(hours=9), hours=8)
(False, True)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import Engine

from asker.access import accounts
from asker.types import Principal


@dataclass(frozen=True)
class Password:
    """A user name and the password typed on the login page."""

    user: str
    password: str


@dataclass(frozen=True)
class LocalUser:
    """The operator's shell acting as one of the data dir's users (the command line)."""

    user: str


Credentials = Password | LocalUser


class Authenticator(Protocol):
    """Credentials in, the principal out; refuses with LOGIN_FAILED, ACCOUNT_LOCKED or
    UNKNOWN_USER (``AccessDenied``)."""

    def authenticate(self, credentials: Credentials) -> Principal: ...


class BearerValidator(Protocol):
    """One kind of bearer token (asker's API tokens, an IdP's OIDC access tokens, ...).

    ``principal_for`` returns None when the token is not of its kind (the next validator of
    ``Runtime.bearer_validators`` is asked), the principal when it is and holds, and raises
    ``AccessDenied`` (TOKEN_INVALID or the validator's own code) when it is of its kind but
    does not hold: a token is never passed on to another validator after its own refused it.
    """

    def principal_for(self, token: str, now: dt.datetime) -> Principal | None: ...


@dataclass(frozen=True)
class AppDatabaseAuthenticator:
    """asker's own accounts in the app database."""

    engine: Engine
    max_failures: int
    lockout_minutes: int

    def authenticate(self, credentials: Credentials) -> Principal:
        if isinstance(credentials, LocalUser):
            return accounts.principal(self.engine, credentials.user)
        return accounts.verify_password(
            self.engine,
            credentials.user,
            credentials.password,
            max_failures=self.max_failures,
            lockout_minutes=self.lockout_minutes,
        )


@dataclass(frozen=True)
class Session:
    """A signed-in person and when they signed in; it ends ``hours`` after that."""

    principal: Principal
    started: dt.datetime

    def expired(self, now: dt.datetime, *, hours: float) -> bool:
        return now - self.started > dt.timedelta(hours=hours)
