"""Single sign-on with the bank's OIDC identity provider (ADFS, Keycloak, Authing, 竹云 …).

``IdentityProvider`` reads the provider's discovery document and signing keys over HTTP (httpx)
and keeps them; ``AccessTokenValidator`` checks a bearer access token (an API call, or the chat
app's sign-in) against them: signature by one of the provider's keys (asymmetric algorithms
only, so ``none`` and HMAC-with-the-public-key tricks are refused), issuer, audience, expiry and
not-before (with ``LEEWAY_S`` for clock skew). A token signed with a key id the cached keys do
not hold makes the keys be fetched again (the provider rotated them), at most once every
``min_refresh_s``, so a forged key id cannot make asker hammer the provider. The token's claims
become a principal through the policy's ``directory`` mapping (``asker.access.directory``).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx
from joserfc import jwt
from joserfc.errors import (
    BadSignatureError,
    ExpiredTokenError,
    InvalidKeyIdError,
    JoseError,
)
from joserfc.jwk import KeySet

from asker.access.directory import (
    DirectoryEntry,
    DirectoryMapping,
    first_value,
    group_names,
    principal_from,
)
from asker.errors import AccessDenied, ConfigError
from asker.types import Principal

ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512")
LEEWAY_S = 30
USER_CLAIMS = ("preferred_username", "upn", "sub")  # the first one present names the user


@dataclass
class IdentityProvider:
    """The provider at ``issuer``: its discovery document and signing keys, fetched on first
    use and kept; the keys fetched again on an unknown key id (``refresh_keys``)."""

    issuer: str
    timeout_s: float = 5.0
    min_refresh_s: float = 60.0
    monotonic: Callable[[], float] = time.monotonic
    _metadata: dict[str, Any] | None = field(default=None, repr=False)
    _keys: KeySet | None = field(default=None, repr=False)
    _fetched_at: float | None = field(default=None, repr=False)
    _lock: threading.RLock = field(default_factory=threading.RLock, repr=False)

    @property
    def discovery_url(self) -> str:
        return self.issuer.rstrip("/") + "/.well-known/openid-configuration"

    def _get(self, url: str) -> dict[str, Any]:
        try:
            response = httpx.get(url, timeout=self.timeout_s, follow_redirects=False)
            response.raise_for_status()
            body = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise ConfigError(
                "DIRECTORY_UNAVAILABLE", server=url, detail=type(exc).__name__
            ) from exc
        if not isinstance(body, dict):
            raise ConfigError("DIRECTORY_UNAVAILABLE", server=url, detail="not a JSON object")
        return body

    def metadata(self) -> dict[str, Any]:
        """The discovery document; its issuer must be the configured one (OIDC Discovery §4.3)."""
        with self._lock:
            if self._metadata is None:
                found = self._get(self.discovery_url)
                if str(found.get("issuer", "")).rstrip("/") != self.issuer.rstrip("/"):
                    raise ConfigError(
                        "DIRECTORY_UNAVAILABLE",
                        server=self.discovery_url,
                        detail=f"issuer {found.get('issuer')!r} is not {self.issuer!r}",
                    )
                self._metadata = found
            return self._metadata

    def keys(self) -> KeySet:
        with self._lock:
            if self._keys is None:
                self._fetch_keys_locked()
            assert self._keys is not None
            return self._keys

    def refresh_keys(self) -> bool:
        """Fetch the keys again unless that was done less than ``min_refresh_s`` ago."""
        with self._lock:
            if (
                self._fetched_at is not None
                and self.monotonic() - self._fetched_at < self.min_refresh_s
            ):
                return False
            self._fetch_keys_locked()
            return True

    def _fetch_keys_locked(self) -> None:
        url = self.metadata()["jwks_uri"]
        try:
            self._keys = KeySet.import_key_set(self._get(str(url)))  # type: ignore[arg-type]
        except (JoseError, ValueError, TypeError) as exc:
            raise ConfigError(
                "DIRECTORY_UNAVAILABLE", server=str(url), detail="bad key set"
            ) from exc
        self._fetched_at = self.monotonic()


@dataclass(frozen=True)
class AccessTokenValidator:
    """Bearer access tokens of ``provider`` for ``audience`` in, principals out. The HTTP API's
    bearer seam calls ``principal(token)``; ``claims(token)`` is the checked claims alone."""

    provider: IdentityProvider
    audience: str
    mapping: DirectoryMapping
    now: Callable[[], float] = time.time

    def claims(self, token: str) -> dict[str, Any]:
        """The token's claims when it holds; TOKEN_INVALID naming the reason otherwise."""
        decoded = self._decode(token)
        registry = jwt.JWTClaimsRegistry(
            now=lambda: int(self.now()),
            leeway=LEEWAY_S,
            iss={"essential": True, "value": self.provider.issuer},
            aud={"essential": True, "value": self.audience},
            exp={"essential": True},
        )
        try:
            registry.validate(decoded.claims)
        except ExpiredTokenError as exc:
            raise AccessDenied("TOKEN_INVALID", reason="已过期 expired") from exc
        except JoseError as exc:
            raise AccessDenied("TOKEN_INVALID", reason=_reason(exc)) from exc
        return dict(decoded.claims)

    def _decode(self, token: str) -> jwt.Token:
        if not token or token.count(".") != 2:
            raise AccessDenied("TOKEN_INVALID", reason="不是 JWT not a JWT")
        for attempt in (1, 2):
            try:
                return jwt.decode(token, self.provider.keys(), algorithms=list(ALGORITHMS))
            except InvalidKeyIdError as exc:
                if attempt == 2 or not self.provider.refresh_keys():
                    raise AccessDenied("TOKEN_INVALID", reason="未知签名密钥 unknown key") from exc
            except BadSignatureError as exc:
                raise AccessDenied("TOKEN_INVALID", reason="签名不符 bad signature") from exc
            except (JoseError, ValueError) as exc:
                raise AccessDenied("TOKEN_INVALID", reason=_reason(exc)) from exc
        raise AssertionError("unreachable")

    def principal(self, token: str) -> Principal:
        return principal_from_claims(self.mapping, self.claims(token))


def principal_from_claims(mapping: DirectoryMapping, claims: Mapping[str, Any]) -> Principal:
    """The principal a provider's checked claims (access or ID token) describe."""
    user = next((str(claims[c]) for c in USER_CLAIMS if claims.get(c)), "")
    if not user:
        raise AccessDenied("TOKEN_INVALID", reason="没有用户名 no user claim")
    entry = DirectoryEntry(
        groups=group_names(claims.get(mapping.groups_claim)),
        org_id=first_value(claims.get(mapping.org_attribute)),
        emp_id=first_value(claims.get(mapping.emp_attribute)),
        display_name=first_value(claims.get(mapping.name_attribute) or claims.get("name")),
    )
    return principal_from(mapping, user, entry)


def _reason(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"[:120]
