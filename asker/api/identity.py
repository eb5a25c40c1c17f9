"""Signing in: credentials through the runtime's ``Authenticator`` to a ``Principal``, every
attempt audited; and the session that says when to sign in again."""

from __future__ import annotations

from asker.access import demo_users
from asker.access import session_token as tokens
from asker.access.identity import Credentials, LocalUser, Password, Session
from asker.api.audit import record
from asker.api.runtime import Runtime
from asker.errors import AskerError, ConfigError
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


def session_token(rt: Runtime, session: Session) -> str:
    """The signed token a browser keeps for this session (never put it in a URL): password
    sign-in and single sign-on alike issue it right after ``start_session``."""
    if not rt.session_key:
        raise ConfigError("AUDIT_KEY_INVALID", path=str(rt.settings.data_dir))
    return tokens.issue(rt.session_key, session.principal.user_id, session.started)


def resume_session(rt: Runtime, token: str) -> Session | None:
    """The session a browser's token names, when the token is genuine, the session has not
    ended and the account still exists (read again: its role and scope as of now); else None."""
    if not rt.session_key or not token:
        return None
    found = tokens.read(rt.session_key, token)
    if found is None:
        return None
    user, started = found
    if started > rt.clock.now():
        return None
    try:
        who = rt.authenticator.authenticate(LocalUser(user))
    except AskerError:
        return None
    session = Session(who, started)
    return None if session_expired(rt, session) else session
