"""What the audit log may keep: an ``AuditRecord`` holds redacted text, names, counts and a hash
of the result, never a data value. Mainland ID numbers, bank card numbers (16-19 digits, also in
groups of four) and mobile numbers (also with +86 or separators) become placeholders; full-width
digits count as digits, since people type both.

>>> redact_pii("客户 13812345678 的卡 6222 0212 3456 7890 123，证件 11010119900307123X")
'客户 [手机号] 的卡 [卡号]，证件 [证件号]'
>>> AuditRecord("li.na", "branch_manager", "B05", "ask", question="13812345678 的存款").flags
('pii_redacted',)
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, fields
from typing import Any, Literal, get_args

from asker.types import QueryResult, json_value

Action = Literal["ask", "explain", "sql", "export", "login", "metric_workflow"]
Decision = Literal["ok", "clarify", "refused", "error"]
PII_REDACTED = "pii_redacted"  # the flag a record gets when its text had PII taken out

ID_NUMBER = "[证件号]"
BANK_CARD = "[卡号]"
MOBILE = "[手机号]"

# Matching runs on a copy with full-width digits, X, space and hyphen made ASCII; the copy has
# the same length, so a match's span is also its span in the original text.
_ASCII = str.maketrans("０１２３４５６７８９Ｘｘ　－", "0123456789Xx -")

_ID = re.compile(
    r"(?<![0-9])(?:"
    r"[1-9][0-9]{5}[ -]?(?:18|19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])"
    r"[ -]?[0-9]{3}[0-9Xx]"
    r"|[0-9]{17}[Xx]"
    r")(?![0-9A-Za-z])"
)
_CARD = re.compile(r"(?<![0-9])[0-9]{4}(?:[ -]?[0-9]{4}){3}(?:[ -]?[0-9]{1,3})?(?![0-9])")
_MOBILE = re.compile(r"(?<![0-9+])(?:\+?86[ -]?)?1[3-9][0-9](?:[ -]?[0-9]{4}){2}(?![0-9])")

# Most specific first: an 18-digit ID number is also a 16-19 digit run.
_PATTERNS = ((_ID, ID_NUMBER), (_CARD, BANK_CARD), (_MOBILE, MOBILE))


def pii_spans(text: str) -> tuple[tuple[int, int, str], ...]:
    """(start, end, placeholder) of every PII match in ``text``, in order, never overlapping."""
    probe = text.translate(_ASCII)
    spans: list[tuple[int, int, str]] = []
    for pattern, placeholder in _PATTERNS:
        for match in pattern.finditer(probe):
            start, end = match.span()
            if all(end <= s or start >= e for s, e, _ in spans):
                spans.append((start, end, placeholder))
    return tuple(sorted(spans))


def redact_pii(text: str) -> str:
    """``text`` with every ID, bank card and mobile number replaced by its placeholder."""
    parts: list[str] = []
    cursor = 0
    for start, end, placeholder in pii_spans(text):
        parts += [text[cursor:start], placeholder]
        cursor = end
    return "".join([*parts, text[cursor:]])


# --- the record ------------------------------------------------------------------------------

_SHA256 = re.compile(r"[0-9a-f]{64}")
_FREE_TEXT = ("question", "plan", "generated_sql", "gated_sql", "filters", "masks")
_TUPLES = ("tables", "columns", "filters", "masks", "codes", "flags")


def _redacted(value: Any) -> Any:
    if isinstance(value, str):
        return redact_pii(value)
    if isinstance(value, list | tuple):
        return tuple(_redacted(v) for v in value)
    if isinstance(value, dict):
        return {k: _redacted(v) for k, v in value.items()}
    return value


@dataclass(frozen=True)
class AuditRecord:
    """One audited action. Text is PII-redacted on construction; ``plan`` is a MetricQuery or a
    JSON-able dict; ``result_hash`` is ``hash_result()`` of the rows, which are never kept."""

    user_id: str
    role: str
    org_id: str
    action: Action
    question: str = ""
    plan: Any = None
    generated_sql: str | None = None
    gated_sql: str | None = None
    tables: tuple[str, ...] = ()
    columns: tuple[str, ...] = ()
    filters: tuple[str, ...] = ()
    masks: tuple[str, ...] = ()
    decision: Decision = "ok"
    codes: tuple[str, ...] = ()
    row_count: int | None = None
    elapsed_ms: float = 0.0
    result_hash: str | None = None
    model: str | None = None
    prompt_version: str | None = None
    flags: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.action not in get_args(Action) or self.decision not in get_args(Decision):
            raise ValueError(f"audit action/decision {self.action!r}/{self.decision!r}")
        if self.result_hash is not None and not _SHA256.fullmatch(self.result_hash):
            raise ValueError("result_hash must be a sha256 hex digest (see hash_result)")
        if len(self.user_id) > 64:  # a name typed at a failed login: keep it to the column
            object.__setattr__(self, "user_id", self.user_id[:63] + "…")
        for name in _TUPLES:
            object.__setattr__(self, name, tuple(getattr(self, name)))
        object.__setattr__(self, "plan", json_value(self.plan))
        redacted = False
        for name in _FREE_TEXT:
            value = _redacted(getattr(self, name))
            redacted = redacted or json_value(value) != json_value(getattr(self, name))
            object.__setattr__(self, name, value)
        if redacted and PII_REDACTED not in self.flags:
            object.__setattr__(self, "flags", (*self.flags, PII_REDACTED))

    def to_json(self) -> dict[str, Any]:
        return {f.name: json_value(getattr(self, f.name)) for f in fields(self)}


def hash_result(result: QueryResult) -> str:
    """The sha256 of a result's columns and rows: the audit log keeps this, never the rows."""
    payload = json.dumps(
        {"columns": list(result.columns), "rows": json_value(result.rows)},
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256(payload.encode()).hexdigest()
