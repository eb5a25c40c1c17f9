"""A local OpenID Connect provider over real HTTP, for tests: authlib's server components
(``AuthorizationServer``, the authorization-code grant with PKCE (RFC 7636) and OpenID Connect's
ID token, RFC 9068 JWT access tokens) behind a tiny WSGI app on the standard library's server.

Run as ``python -m tests.oidc_provider CONFIG.json INFO.json``: it listens on 127.0.0.1 on a free
port and writes ``{"issuer": ..., "pid": ...}`` to INFO.json once it answers. CONFIG holds the
client (``client_id``, ``client_secret``) and the users (``password`` and their claims).

Endpoints: ``/.well-known/openid-configuration``, ``/jwks``, ``/authorize`` (GET: a sign-in form
with the fields ``username`` and ``password``; POST: signs in and redirects back with the code),
``/token``, ``/userinfo``; and for tests only ``POST /test/rotate`` (a new signing key, the old
one still published, as IdPs do during a rotation) and ``POST /test/mint`` (an access token with
given claims and lifetime, for an expired token or a wrong audience).
"""

from __future__ import annotations

import html
import json
import os
import secrets
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from socketserver import ThreadingMixIn
from typing import Any
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from authlib.oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import OAuth2Request, grants
from authlib.oauth2.rfc6749.requests import BasicOAuth2Payload
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oauth2.rfc9068 import JWTBearerTokenGenerator
from authlib.oidc.core import UserInfo
from authlib.oidc.core.grants import OpenIDCode
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

CLAIMS_OF_USER = ("groups", "departmentNumber", "employeeNumber", "displayName", "name")


@dataclass
class Client:
    client_id: str
    client_secret: str

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> str | None:
        return None

    def get_allowed_scope(self, scope: str) -> str:
        return " ".join(s for s in scope.split() if s in ("openid", "profile", "email"))

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        # The tests' apps listen on loopback ports chosen at run time.
        return redirect_uri.startswith(("http://127.0.0.1:", "http://localhost:"))

    def check_client_secret(self, client_secret: str) -> bool:
        return secrets.compare_digest(client_secret, self.client_secret)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method in ("client_secret_basic", "client_secret_post")

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "authorization_code"


@dataclass
class User:
    user_id: str
    password: str
    claims: dict[str, Any]

    def get_user_id(self) -> str:
        return self.user_id


@dataclass
class Code:
    code: str
    client_id: str
    redirect_uri: str
    scope: str
    user_id: str
    nonce: str | None
    code_challenge: str | None
    code_challenge_method: str | None
    auth_time: int = field(default_factory=lambda: int(time.time()))

    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope

    def get_nonce(self) -> str | None:
        return self.nonce

    def get_auth_time(self) -> int:
        return self.auth_time

    def get_acr(self) -> None:
        return None

    def get_amr(self) -> None:
        return None


class Provider:
    """The provider's state: keys (the last one signs), the client, users, codes and nonces."""

    def __init__(self, issuer: str, config: dict[str, Any]) -> None:
        self.issuer = issuer
        self.audience = config["client_id"]
        self.client = Client(config["client_id"], config["client_secret"])
        self.users = {
            name: User(name, u["password"], {k: u[k] for k in CLAIMS_OF_USER if k in u})
            for name, u in config["users"].items()
        }
        self.keys: list[RSAKey] = []
        self.codes: dict[str, Code] = {}
        self.nonces: set[str] = set()
        self.lock = threading.Lock()
        self.rotate()
        self.server = self._authorization_server()

    def rotate(self) -> str:
        kid = f"k{len(self.keys) + 1}-{secrets.token_hex(4)}"
        self.keys.append(RSAKey.generate_key(2048, parameters={"kid": kid, "use": "sig"}))
        return kid

    @property
    def signing(self) -> RSAKey:
        return self.keys[-1]

    def public_jwks(self) -> dict[str, Any]:
        return {"keys": [k.as_dict(private=False) for k in self.keys]}

    def user_claims(self, user: User) -> dict[str, Any]:
        return {"preferred_username": user.user_id, **user.claims}

    def mint(self, user_id: str, *, audience: str | None, lifetime_s: int) -> str:
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "sub": user_id,
            "aud": audience or self.audience,
            "iat": now - 5,
            "exp": now + lifetime_s,
            "client_id": self.audience,
            **self.user_claims(self.users[user_id]),
        }
        header = {"alg": "RS256", "typ": "at+jwt", "kid": self.signing.kid}
        return jwt.encode(header, claims, self.signing)

    def _authorization_server(self) -> AuthorizationServer:
        provider = self

        class Server(AuthorizationServer):
            def query_client(self, client_id: str) -> Client | None:
                return provider.client if client_id == provider.client.client_id else None

            def save_token(self, token: dict[str, Any], request: OAuth2Request) -> None:
                return None

            def create_oauth2_request(self, request: Any) -> OAuth2Request:
                return request  # type: ignore[no-any-return]

            def handle_response(self, status: int, body: Any, headers: Any) -> Any:
                return status, body, headers

            def send_signal(self, name: str, *args: Any, **kwargs: Any) -> None:
                return None

        class Grant(grants.AuthorizationCodeGrant):
            TOKEN_ENDPOINT_AUTH_METHODS = ("client_secret_basic", "client_secret_post")

            def save_authorization_code(self, code: str, request: OAuth2Request) -> None:
                data = request.payload.data
                provider.codes[code] = Code(
                    code,
                    request.client.client_id,
                    data.get("redirect_uri", ""),
                    request.payload.scope,
                    request.user.user_id,
                    data.get("nonce"),
                    data.get("code_challenge"),
                    data.get("code_challenge_method"),
                )
                if data.get("nonce"):
                    provider.nonces.add(data["nonce"])

            def query_authorization_code(self, code: str, client: Client) -> Code | None:
                found = provider.codes.get(code)
                return found if found and found.client_id == client.client_id else None

            def delete_authorization_code(self, authorization_code: Code) -> None:
                provider.codes.pop(authorization_code.code, None)

            def authenticate_user(self, authorization_code: Code) -> User:
                return provider.users[authorization_code.user_id]

        class IdToken(OpenIDCode):
            def exists_nonce(self, nonce: str, request: OAuth2Request) -> bool:
                return nonce in provider.nonces

            def get_jwt_config(self, grant: Any, client: Any) -> dict[str, Any]:
                return {
                    "key": KeySet([provider.signing]),
                    "alg": "RS256",
                    "iss": provider.issuer,
                    "exp": 3600,
                    "kid": provider.signing.kid,
                }

            def generate_user_info(self, user: User, scope: str) -> UserInfo:
                return UserInfo(sub=user.user_id, **provider.user_claims(user))

        class AccessTokens(JWTBearerTokenGenerator):
            def get_jwks(self) -> KeySet:
                return KeySet([provider.signing])

            def get_audiences(self, client: Any, user: Any, scope: Any) -> str:
                return provider.audience

            def get_extra_claims(self, client: Any, grant_type: Any, user: Any, scope: Any) -> Any:
                return provider.user_claims(user) if user else {}

        server = Server()
        server.register_token_generator("default", AccessTokens(provider.issuer))
        server.register_grant(Grant, [CodeChallenge(required=True), IdToken(require_nonce=False)])
        return server

    def metadata(self) -> dict[str, Any]:
        base = self.issuer
        return {
            "issuer": base,
            "authorization_endpoint": f"{base}/authorize",
            "token_endpoint": f"{base}/token",
            "userinfo_endpoint": f"{base}/userinfo",
            "jwks_uri": f"{base}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "profile", "email"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "code_challenge_methods_supported": ["S256"],
            "grant_types_supported": ["authorization_code"],
        }


class _Request(OAuth2Request):
    def __init__(self, method: str, uri: str, headers: Any, query: Any, form: Any) -> None:
        super().__init__(method, uri, headers=headers)
        self._query, self._form = query, form
        self.payload = BasicOAuth2Payload({**query, **form})

    @property
    def args(self) -> Any:
        return self._query

    @property
    def form(self) -> Any:
        return self._form


def _request(environ: dict[str, Any], form: dict[str, str]) -> OAuth2Request:
    query = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
    uri = f"http://{environ['HTTP_HOST']}{environ['PATH_INFO']}"
    headers = {
        k[5:].replace("_", "-").title(): v for k, v in environ.items() if k.startswith("HTTP_")
    }
    if environ.get("CONTENT_TYPE"):
        headers["Content-Type"] = environ["CONTENT_TYPE"]
    return _Request(environ["REQUEST_METHOD"], uri, headers, query, form)


def _form(environ: dict[str, Any]) -> dict[str, str]:
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length).decode() if length else ""
    return {k: v[0] for k, v in parse_qs(body).items()}


SIGN_IN_PAGE = """<!doctype html><html><body><h1>Bank IdP</h1>
<form method="post" action="/authorize?{query}">
<label>username <input name="username" id="username"></label>
<label>password <input name="password" id="password" type="password"></label>
<button type="submit" id="sign-in">Sign in</button></form>{error}</body></html>"""


Reply = tuple[int, Any, Any]


def _sign_in_page(environ: dict[str, Any], error: str = "") -> str:
    return SIGN_IN_PAGE.format(query=html.escape(environ.get("QUERY_STRING", "")), error=error)


def _authorize(provider: Provider, environ: dict[str, Any]) -> Reply:
    form = _form(environ)
    user = provider.users.get(form.pop("username", ""))
    if user is None or not secrets.compare_digest(user.password, form.pop("password", "")):
        return 401, _sign_in_page(environ, "<p>wrong password</p>"), []
    reply: Reply = provider.server.create_authorization_response(_request(environ, {}), user)
    return reply


def _token(provider: Provider, environ: dict[str, Any]) -> Reply:
    reply: Reply = provider.server.create_token_response(_request(environ, _form(environ)))
    return reply


def _mint(provider: Provider, environ: dict[str, Any]) -> Reply:
    form = _form(environ)
    token = provider.mint(
        form["user"],
        audience=form.get("audience"),
        lifetime_s=int(form.get("lifetime_s", "300")),
    )
    return 200, {"access_token": token}, []


def _userinfo(provider: Provider, environ: dict[str, Any]) -> Reply:
    token = environ.get("HTTP_AUTHORIZATION", "").removeprefix("Bearer ").strip()
    try:
        claims = jwt.decode(token, KeySet(list(provider.keys))).claims
    except Exception:
        return 401, {"error": "invalid_token"}, []
    user = provider.users[claims["sub"]]
    return 200, {"sub": user.user_id, **provider.user_claims(user)}, []


ROUTES: dict[tuple[str, str], Callable[[Provider, dict[str, Any]], Reply]] = {
    ("GET", "/.well-known/openid-configuration"): lambda p, e: (200, p.metadata(), []),
    ("GET", "/jwks"): lambda p, e: (200, p.public_jwks(), []),
    ("GET", "/authorize"): lambda p, e: (200, _sign_in_page(e), []),
    ("POST", "/authorize"): _authorize,
    ("POST", "/token"): _token,
    ("GET", "/userinfo"): _userinfo,
    ("POST", "/test/rotate"): lambda p, e: (200, {"kid": p.rotate()}, []),
    ("POST", "/test/mint"): _mint,
}


def app(provider: Provider) -> Any:
    def wsgi(environ: dict[str, Any], start: Any) -> list[bytes]:
        route = ROUTES.get((environ["REQUEST_METHOD"], environ["PATH_INFO"]))
        with provider.lock:
            status, body, headers = (
                route(provider, environ) if route else (404, {"error": "not_found"}, [])
            )
        headers = list(headers)
        if isinstance(body, dict):
            body = json.dumps(body)
            headers.append(("Content-Type", "application/json"))
        elif not any(h[0].lower() == "content-type" for h in headers):
            headers.append(("Content-Type", "text/html; charset=utf-8"))
        start(f"{status} {'OK' if status < 400 else 'Error'}", headers)
        return [(body or "").encode()]

    return wsgi


class _Threading(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        return None


def main() -> None:
    config_file, info_file = Path(sys.argv[1]), Path(sys.argv[2])
    config = json.loads(config_file.read_text(encoding="utf-8"))
    os.environ["AUTHLIB_INSECURE_TRANSPORT"] = "1"  # plain http on loopback, tests only
    holder: dict[str, Provider] = {}

    def late(environ: dict[str, Any], start: Any) -> list[bytes]:
        return app(holder["provider"])(environ, start)

    server: WSGIServer = make_server(
        "127.0.0.1", 0, late, server_class=_Threading, handler_class=_Quiet
    )
    issuer = f"http://127.0.0.1:{server.server_port}"
    holder["provider"] = Provider(issuer, config)
    tmp = info_file.with_suffix(".tmp")
    tmp.write_text(json.dumps({"issuer": issuer, "pid": os.getpid()}), encoding="utf-8")
    tmp.replace(info_file)
    server.serve_forever()


if __name__ == "__main__":
    main()
