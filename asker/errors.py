"""The AskerError tree: every error asker raises on purpose, with a code and named parameters.

Its message is rendered in the asker's language from the catalogue in ``asker.messages``.

>>> InvalidSql("NOT_READ_ONLY", statement="DELETE").message("en")
'Only read-only SELECT queries may run; got DELETE. Rewrite it as one SELECT statement.'
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from asker.messages import MESSAGES

Language = Literal["zh", "en"]
Status = Literal["ok", "clarify", "refused", "error"]


class _SafeParams(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return ""  # an optional part of the message (e.g. NOT_ANSWERABLE's detail)


class AskerError(Exception):
    """Base of every error asker raises on purpose: a code, parameters and a rendered message."""

    status: ClassVar[Status] = "error"
    exit_code: ClassVar[int] = 1

    def __init__(self, code: str, **params: Any) -> None:
        if code not in MESSAGES:
            raise KeyError(f"unregistered error code {code!r}")
        self.code = code
        self.params = params
        super().__init__(f"{code}: {self.message('en')}")

    def message(self, language: Language = "zh") -> str:
        zh, en = MESSAGES[self.code]
        params = _SafeParams(self.params)
        problems = params.get("problems")
        if isinstance(problems, tuple | list):
            params["problems"] = "\n".join(f"  - {p}" for p in problems)
            params.setdefault("count", len(problems))
        name = params.get("name")
        if isinstance(name, str):
            params.setdefault("name_upper", name.upper())
        return (zh if language == "zh" else en).format_map(params)


class UserFacingError(AskerError):
    """A refusal whose message is safe to show: it names what was refused and how to proceed."""

    status: ClassVar[Status] = "refused"
    exit_code: ClassVar[int] = 3


class AccessDenied(UserFacingError):
    """The principal may not see this table, column, org unit or row."""


class NotAnswerable(UserFacingError):
    """The question cannot be answered from the warehouse."""


class InvalidSql(UserFacingError):
    """SQL that is not one read-only SELECT asker understands."""


class QueryLimit(UserFacingError):
    """A timeout, a rate limit or another resource limit."""


class Clarification(UserFacingError):
    """Not an error: asker needs the user to choose. Exits 0 with status 'clarify'."""

    status: ClassVar[Status] = "clarify"
    exit_code: ClassVar[int] = 0


class ConfigError(AskerError):
    """Set-up or configuration that must be fixed by whoever runs asker."""


class ProviderError(AskerError):
    """An LLM or embedding endpoint failed (dead, timed out, answered nonsense)."""


class InternalError(AskerError):
    """A bug: never shows internals, only the error class."""


ErrorKind = Literal[
    "access", "limit", "invalid", "not_answerable", "clarify", "config", "provider", "internal"
]
_KINDS: tuple[tuple[type[AskerError], ErrorKind], ...] = (
    (AccessDenied, "access"),
    (QueryLimit, "limit"),
    (NotAnswerable, "not_answerable"),
    (Clarification, "clarify"),
    (UserFacingError, "invalid"),
    (ConfigError, "config"),
    (ProviderError, "provider"),
)


def kind_of(error: AskerError) -> ErrorKind:
    """Which branch of the tree ``error`` is on (what an HTTP status is chosen by).

    >>> kind_of(AccessDenied("ACCESS_DENIED", role="r", target="t"))
    'access'
    """
    return next((kind for cls, kind in _KINDS if isinstance(error, cls)), "internal")
