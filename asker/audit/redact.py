"""What the audit log may keep: an ``AuditRecord`` holds redacted text, names, counts and a hash
of the result, never a data value. Mainland ID numbers, bank card numbers (16-19 digits, also in
groups of four) and mobile numbers (also with +86 or separators) become placeholders; full-width
digits count as digits, since people type both.

>>> redact_pii("客户 13812345678 的卡 6222 0212 3456 7890 123，证件 11010119900307123X")
'客户 [手机号] 的卡 [卡号]，证件 [证件号]'
>>> AuditRecord("li.na", "teller", "B05", "ask", question="13812345678 的存款").flags
('pii_redacted',)
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, fields
from typing import Any, Literal, get_args

from asker.pii import redact_pii, redact_sql
from asker.types import QueryResult, json_value

Action = Literal[
    "ask", "explain", "sql", "export", "login", "metric_workflow", "token_use", "token_admin"
]
Decision = Literal["ok", "clarify", "refused", "error"]
PII_REDACTED = "pii_redacted"  # the flag a record gets when its text had PII taken out

# --- the record ------------------------------------------------------------------------------

_SHA256 = re.compile(r"[0-9a-f]{64}")
_FREE_TEXT = ("question", "plan", "generated_sql", "gated_sql", "filters", "masks")
_TUPLES = ("tables", "columns", "filters", "masks", "codes", "flags")


_SQL_TEXT = ("generated_sql", "gated_sql")


def _redacted(value: Any, sql: bool = False) -> Any:
    if isinstance(value, str):
        return redact_sql(value) if sql else redact_pii(value)
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
    request_id: str | None = None  # the HTTP request's X-Request-ID, also in the JSON log

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
            value = _redacted(getattr(self, name), sql=name in _SQL_TEXT)
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
