"""Signing in: credentials through the runtime's ``Authenticator`` to a ``Principal``, every
attempt audited; and the session that says when to sign in again."""

from __future__ import annotations

from collections.abc import Mapping

from asker.access import demo_users
from asker.access.identity import (
    BearerToken,
    Credentials,
    LocalUser,
    Password,
    Session,
    SignedHeaders,
)
from asker.api.audit import record
from asker.api.runtime import Runtime
from asker.errors import AskerError, ConfigError
from asker.types import Principal

DEMO_USER = demo_users.DEMO_USERS[0].user_id  # a demo data dir's default user (总行分析师)


def sign_in(rt: Runtime, credentials: Credentials) -> Principal:
    """The user's principal when the credentials hold; LOGIN_FAILED, ACCOUNT_LOCKED or
    UNKNOWN_USER otherwise (TOKEN_INVALID, HEADER_REFUSED, DIRECTORY_NO_ROLE … for the bank's
    directory). Every refusal and every sign-in but the command line's is audited (``login``,
    flagged with how: ``via:password``, ``via:oidc``, ``via:header``)."""
    via = (f"via:{_VIA[type(credentials)]}",)
    try:
        who = rt.authenticator.authenticate(credentials)
    except AskerError as error:
        refused = record(
            None,
            "login",
            user_id=credentials.user,
            decision="refused" if error.status == "refused" else "error",
            codes=(error.code,),
            flags=via,
        )
        rt.audit.append(refused)
        raise
    if not isinstance(credentials, LocalUser):
        rt.audit.append(record(who, "login", decision="ok", flags=via))
    return who


_VIA = {Password: "password", LocalUser: "local", BearerToken: "oidc", SignedHeaders: "header"}


def sign_in_with_token(rt: Runtime, access_token: str) -> Principal:
    """An OIDC access token of the bank's identity provider (single sign-on, API bearer)."""
    return sign_in(rt, BearerToken(access_token))


def sign_in_with_headers(rt: Runtime, peer: str, headers: Mapping[str, str]) -> Principal:
    """The identity the bank's reverse proxy signed into the request's headers; ``peer`` is the
    connection's own address (not a forwarded-for header)."""
    return sign_in(rt, SignedHeaders(peer, dict(headers)))


def login(rt: Runtime, user: str, password: str) -> Principal:
    """The login page's sign-in (password against the app database)."""
    return sign_in(rt, Password(user, password))


def local_user(rt: Runtime, user: str | None) -> Principal:
    """Who a command-line call acts as: ``--user``, or on a demo data dir the demo user."""
    if not user:
        if not rt.demo:
            raise ConfigError("USER_REQUIRED")
        user = DEMO_USER
    return sign_in(rt, LocalUser(user))


def start_session(rt: Runtime, who: Principal) -> Session:
    return Session(who, rt.clock.now())


def session_expired(rt: Runtime, session: Session) -> bool:
    """Whether the session is past the configured length (``ASKER_SESSION_HOURS``)."""
    return session.expired(rt.clock.now(), hours=rt.settings.session_hours)
