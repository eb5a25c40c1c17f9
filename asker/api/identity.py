"""Signing in: credentials through the runtime's ``Authenticator`` to a ``Principal``, every
attempt audited; and the session that says when to sign in again."""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
from collections.abc import Mapping
from pathlib import Path

from asker.access import demo_users
from asker.access.identity import (
    BearerToken,
    Credentials,
    LocalUser,
    Password,
    Session,
    SignedHeaders,
)
from asker.access.trusted_header import SIGNATURE
from asker.api.audit import record
from asker.api.runtime import Runtime
from asker.config import Settings
from asker.errors import AccessDenied, AskerError, ConfigError
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
    raise AccessDenied("TOKEN_INVALID", reason="无法识别的令牌 not a token asker knows")


_VIA = {Password: "password", LocalUser: "local", BearerToken: "oidc", SignedHeaders: "header"}


SSO_COOKIE_KEY = "sso-cookie.key"


def chat_sso_secrets(settings: Settings) -> Path | None:
    """Write the chat app's single sign-on settings as Streamlit's secrets (``[auth]``, for
    ``st.login``: authorization code with PKCE, the access token handed to the app) into the data
    dir, readable by its owner only; None when OIDC or its redirect URI is not configured."""
    if not (settings.oidc_issuer and settings.oidc_client_id and settings.oidc_redirect_uri):
        return None
    key_file = settings.data_dir / SSO_COOKIE_KEY
    cookie_secret = settings.oidc_cookie_secret
    if not cookie_secret:
        if not key_file.exists():
            _write_private(key_file, secrets.token_urlsafe(32))
        cookie_secret = key_file.read_text(encoding="utf-8").strip()
    auth = {
        "redirect_uri": settings.oidc_redirect_uri,
        "cookie_secret": cookie_secret,
        "client_id": settings.oidc_client_id,
        "client_secret": settings.oidc_client_secret or "",
        "server_metadata_url": settings.oidc_issuer.rstrip("/")
        + "/.well-known/openid-configuration",
    }
    lines = ["[auth]", *(f"{k} = {json.dumps(v)}" for k, v in auth.items())]
    lines += [
        'expose_tokens = ["access"]',
        'client_kwargs = { scope = "openid profile", code_challenge_method = "S256", '
        'prompt = "login" }',
    ]
    target = settings.data_dir / "streamlit-secrets.toml"
    _write_private(target, "\n".join(lines) + "\n")
    return target


def _write_private(path: Path, text: str) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        out.write(text)


def sign_in_with_token(rt: Runtime, access_token: str) -> Principal:
    """The chat app's single sign-on: an OIDC access token of the bank's identity provider,
    audited as a ``login``. ``asker api``'s bearer tokens go through ``bearer_sign_in``."""
    return sign_in(rt, BearerToken(access_token))


def carries_signed_identity(headers: Mapping[str, str]) -> bool:
    """Whether a request's headers carry a proxy's signed identity (``X-Asker-Signature``)."""
    return any(name.lower() == SIGNATURE.lower() for name in headers)


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
