"""Signing in: credentials through the runtime's ``Authenticator`` to a ``Principal``, every
attempt audited; and the session that says when to sign in again."""

from __future__ import annotations

import datetime as dt

from asker.access import demo_users
from asker.access.identity import Credentials, LocalUser, Password, Session
from asker.api.audit import record
from asker.api.runtime import Runtime
from asker.errors import AccessDenied, AskerError, ConfigError
from asker.types import Principal

DEMO_USER = demo_users.DEMO_USERS[0].user_id  # a demo data dir's default user (总行分析师)


def sign_in(rt: Runtime, credentials: Credentials) -> Principal:
    """The user's principal when the credentials hold; LOGIN_FAILED, ACCOUNT_LOCKED or
    UNKNOWN_USER otherwise. Every refusal and every password sign-in is audited (``login``)."""
    try:
        who = rt.authenticator.authenticate(credentials)
    except AskerError as error:
        refused = record(
            None, "login", user_id=credentials.user, decision="refused", codes=(error.code,)
        )
        rt.audit.append(refused)
        raise
    if isinstance(credentials, Password):
        rt.audit.append(record(who, "login", decision="ok"))
    return who


def bearer_sign_in(rt: Runtime, token: str) -> Principal:
    """The principal of ``Authorization: Bearer TOKEN``: the first of ``rt.bearer_validators``
    that knows the token's kind decides; none does, or it refuses: TOKEN_INVALID. Every use and
    every refusal is audited (action ``token_use``); no part of the token is recorded."""
    now = rt.clock.now()
    try:
        who = _first_claim(rt, token.strip(), now)
    except AskerError as error:
        rt.audit.append(record(None, "token_use", decision="refused", codes=(error.code,)))
        raise
    rt.audit.append(record(who, "token_use", decision="ok"))
    return who


def _first_claim(rt: Runtime, token: str, now: dt.datetime) -> Principal:
    for validator in rt.bearer_validators:
        who = validator.principal_for(token, now)
        if who is not None:
            return who
    raise AccessDenied("TOKEN_INVALID")


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
