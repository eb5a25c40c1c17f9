"""Who is asking: one ``Authenticator`` turns credentials into a ``Principal``, and a ``Session``
says when a signed-in person must sign in again.

Today's authenticator checks credentials against asker's own accounts in the app database (argon2
hashes, lockout after repeated failures). ``LocalUser`` is the operator's own shell: whoever can
read the data dir can act as any of its users (``asker ask --user U``), so the account must exist
but no password is asked. ``SignIn`` puts the bank's directory beside them, as settings choose:
passwords of users who are not asker's own accounts bind to LDAP/AD (``ldap_directory``),
``BearerToken`` is an OIDC access token (``oidc``), ``SignedHeaders`` come from the bank's reverse
proxy (``trusted_header``). A directory failure counts toward the same lockout as a wrong password.

>>> import datetime as dt
>>> start = dt.datetime(2026, 9, 30, 9, 0, tzinfo=dt.UTC)
>>> session = Session(Principal("li.na", "teller", "B05", "E0100", "李娜"), start)
>>> session.expired(start + dt.timedelta(hours=7), hours=8), session.expired(
...     start + dt.timedelta(hours=9), hours=8)
(False, True)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from sqlalchemy import Engine

from asker.access import accounts
from asker.access.directory import DirectoryMapping
from asker.access.ldap_directory import LdapDirectory
from asker.access.oidc import AccessTokenValidator, IdentityProvider
from asker.access.trusted_header import TrustedProxies
from asker.config import Settings
from asker.errors import AccessDenied, ConfigError
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


@dataclass(frozen=True)
class BearerToken:
    """An OIDC access token (``Authorization: Bearer``, or the chat app's single sign-on)."""

    token: str = field(repr=False)
    user: str = ""  # known only once the token is checked


@dataclass(frozen=True)
class SignedHeaders:
    """Identity headers from the connection's TCP peer (``peer``), signed by the bank's proxy."""

    peer: str
    headers: Mapping[str, str] = field(repr=False)

    @property
    def user(self) -> str:
        named = {k.lower(): v for k, v in self.headers.items()}.get("x-asker-user", "")
        return named[:64]


Credentials = Password | LocalUser | BearerToken | SignedHeaders


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
        if not isinstance(credentials, Password):
            raise AccessDenied("LOGIN_FAILED")  # single sign-on is not configured
        return accounts.verify_password(
            self.engine,
            credentials.user,
            credentials.password,
            max_failures=self.max_failures,
            lockout_minutes=self.lockout_minutes,
        )


@dataclass(frozen=True)
class SignIn:
    """asker's own accounts and, as configured, the bank's directory, together.

    A password goes to asker's own account when the user has one with a password of its own
    (demo and break-glass accounts), else to LDAP/AD; a bearer token to the OIDC validator;
    signed headers to the trusted proxies. A kind that is not configured refuses (LOGIN_FAILED).
    A directory user's principal is kept in the app database at each sign-in (``asker ask
    --user`` and API tokens then act as them)."""

    own: AppDatabaseAuthenticator
    mapping: DirectoryMapping | None = None
    ldap: LdapDirectory | None = None
    oidc: AccessTokenValidator | None = None
    proxies: TrustedProxies | None = None
    now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC)

    def authenticate(self, credentials: Credentials) -> Principal:
        if isinstance(credentials, LocalUser):
            return self.own.authenticate(credentials)
        if isinstance(credentials, Password):
            if self.ldap is None or accounts.has_own_password(self.own.engine, credentials.user):
                return self.own.authenticate(credentials)
            return self._bind(credentials)
        if isinstance(credentials, BearerToken) and self.oidc is not None:
            return self._keep(self.oidc.principal(credentials.token))
        if isinstance(credentials, SignedHeaders):
            if self.proxies is None:
                raise AccessDenied(
                    "HEADER_REFUSED",
                    peer=credentials.peer,
                    reason="未配置可信代理 the trusted header is not configured",
                )
            mapping = self._mapping()
            return self._keep(
                self.proxies.principal(credentials.peer, credentials.headers, mapping)
            )
        raise AccessDenied("LOGIN_FAILED")

    def _mapping(self) -> DirectoryMapping:
        if self.mapping is None:  # checked when the runtime is built; never a default role
            raise AccessDenied("DIRECTORY_NO_ROLE", user="", groups="—")
        return self.mapping

    def _bind(self, credentials: Password) -> Principal:
        assert self.ldap is not None
        user = credentials.user
        accounts.refuse_if_locked(self.own.engine, user, self.now())
        try:
            who = self.ldap.principal(user, credentials.password, self._mapping())
        except AccessDenied as refused:
            if refused.code == "LOGIN_FAILED":
                accounts.count_directory_failure(
                    self.own.engine,
                    user,
                    max_failures=self.own.max_failures,
                    lockout_minutes=self.own.lockout_minutes,
                    now=self.now(),
                )
            raise
        return self._keep(who)

    def _keep(self, who: Principal) -> Principal:
        if accounts.has_own_password(self.own.engine, who.user_id):
            # A directory name that is one of asker's own accounts: the two are different people
            # until an administrator says otherwise; refuse rather than merge them.
            raise AccessDenied("LOGIN_FAILED")
        accounts.keep_directory_account(self.own.engine, who, self.now())
        return who


@dataclass(frozen=True)
class OidcBearerValidator:
    """The ``BearerValidator`` of the bank's OIDC access tokens (``asker api``'s bearer chain,
    after asker's own API tokens): None for a token that is not a JWT (another kind), else the
    principal ``sign_in`` gives the access token (mapped through the policy's directory, kept
    in the app database), or its refusal (TOKEN_INVALID naming the reason, DIRECTORY_NO_ROLE …)."""

    sign_in: SignIn

    def principal_for(self, token: str, now: dt.datetime) -> Principal | None:
        if self.sign_in.oidc is None or token.count(".") != 2:
            return None
        return self.sign_in.authenticate(BearerToken(token))


def bearer_validators_for(
    sign_in: Authenticator, *own: BearerValidator
) -> tuple[BearerValidator, ...]:
    """The runtime's chain of bearer validators: asker's own (API tokens) first, then the OIDC
    provider's access tokens when single sign-on is configured."""
    if isinstance(sign_in, SignIn) and sign_in.oidc is not None:
        return (*own, OidcBearerValidator(sign_in))
    return own


@dataclass(frozen=True)
class Session:
    """A signed-in person and when they signed in; it ends ``hours`` after that."""

    principal: Principal
    started: dt.datetime

    def expired(self, now: dt.datetime, *, hours: float) -> bool:
        return now - self.started > dt.timedelta(hours=hours)


def sign_in_for(settings: Settings, engine: Engine, mapping: DirectoryMapping | None) -> SignIn:
    """The runtime's authenticator: asker's own accounts plus each directory kind configured.
    A directory kind without the policy's ``directory`` mapping, or the trusted header without
    its secret, is a configuration error (never a default role, never an unsigned header)."""
    own = AppDatabaseAuthenticator(
        engine, settings.login_max_failures, settings.login_lockout_minutes
    )
    kinds = [
        name
        for name, on in (
            ("ldap_url", settings.ldap_url),
            ("oidc_issuer", settings.oidc_issuer),
            ("trusted_header_proxies", settings.trusted_header_proxies),
        )
        if on
    ]
    if kinds and mapping is None:
        source = str(settings.policy_file or "policy.yaml")
        raise ConfigError("DIRECTORY_NOT_MAPPED", kind=", ".join(kinds), source=source)
    return SignIn(
        own=own,
        mapping=mapping,
        ldap=_ldap(settings),
        oidc=_oidc(settings, mapping),
        proxies=_proxies(settings),
    )


def _ldap(settings: Settings) -> LdapDirectory | None:
    if not settings.ldap_url:
        return None
    return LdapDirectory(
        url=settings.ldap_url,
        user_dn=settings.ldap_user_dn,
        base_dn=settings.ldap_base_dn,
        user_filter=settings.ldap_user_filter,
        group_filter=settings.ldap_group_filter,
        timeout_s=settings.ldap_timeout_s,
    )


def _oidc(settings: Settings, mapping: DirectoryMapping | None) -> AccessTokenValidator | None:
    if not settings.oidc_issuer or mapping is None:
        return None
    audience = settings.oidc_audience or settings.oidc_client_id
    if not audience:
        raise ConfigError("SETTING_INVALID", name="oidc_audience", detail="oidc_issuer needs it")
    provider = IdentityProvider(
        settings.oidc_issuer,
        timeout_s=settings.oidc_timeout_s,
        min_refresh_s=settings.oidc_jwks_min_refresh_s,
    )
    return AccessTokenValidator(provider, audience, mapping)


def _proxies(settings: Settings) -> TrustedProxies | None:
    if not settings.trusted_header_proxies:
        return None
    if not settings.trusted_header_secret:
        raise ConfigError(
            "SETTING_INVALID",
            name="trusted_header_secret",
            detail="trusted_header_proxies needs a shared secret",
        )
    return TrustedProxies(
        settings.trusted_header_proxies,
        settings.trusted_header_secret,
        settings.trusted_header_max_age_s,
    )
