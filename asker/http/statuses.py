"""The HTTP status of an answer or an error: chosen by the error's branch of the tree
(``asker.errors.kind_of``), so a new code gets the right status without being listed here.

>>> status_of("refused", "access", "ACCESS_DENIED"), status_of("refused", "access", "TOKEN_INVALID")
(403, 401)
"""

from __future__ import annotations

# Access refusals that are about who is calling, not what they may see.
CREDENTIAL_CODES = frozenset(
    {
        "CREDENTIALS_REQUIRED",
        "TOKEN_INVALID",
        "LOGIN_FAILED",
        "ACCOUNT_LOCKED",
        "UNKNOWN_USER",
        "HEADER_REFUSED",
    }
)
_BY_KIND = {
    "access": 403,
    "limit": 429,
    "invalid": 422,
    "not_answerable": 422,
    "clarify": 200,
    "config": 503,
    "provider": 503,
    "internal": 500,
}
_BY_CODE = {
    "NOT_FOUND": 404,
    "TOKEN_NOT_FOUND": 404,
    "UNKNOWN_METRIC": 404,
    "QUERY_TIMEOUT": 503,
    "QUERY_MEMORY": 503,
    "REQUEST_TIMEOUT": 503,
    "REQUEST_TOO_LARGE": 413,
    "AUDIT_UNAVAILABLE": 503,
    "DATA_DIR_MISSING": 503,
}


def status_of(status: str, kind: str | None, code: str | None) -> int:
    """The HTTP status: 200 for an answer or a clarifying question, else by code, then kind."""
    if status in ("ok", "clarify"):
        return 200
    if code in CREDENTIAL_CODES:
        return 401
    if code in _BY_CODE:
        return _BY_CODE[code]
    return _BY_KIND.get(kind or "internal", 500)
