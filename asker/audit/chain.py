"""The audit log's hash chain and its verification.

Each stored record carries ``mac = HMAC-SHA256(key, prev_mac || seq || canonical_json)``, so an
edit, a deletion or a reordering breaks the chain at a named record, and nobody without the key
can recompute it. The chain head (last seq and mac) is also kept in an anchor file outside the
database (``asker.audit.anchor``), which catches a cut-off tail: the one tampering the chain alone
cannot show.

>>> mac = chain_mac(b"k" * 32, GENESIS, 1, '{"a":1}')
>>> len(mac), mac == chain_mac(b"k" * 32, GENESIS, 2, '{"a":1}')
(64, False)
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

GENESIS = "0" * 64  # the prev_mac of record 1


def canonical_json(value: Any) -> str:
    """One text per value: sorted keys, no spaces, UTF-8 kept, no NaN."""
    return json.dumps(
        value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False
    )


def chain_mac(key: bytes, prev_mac: str, seq: int, body: str) -> str:
    # prev_mac has a fixed width and seq ends at the newline, so the message splits one way only
    message = f"{prev_mac}\n{seq}\n{body}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class ChainHead:
    """The last record of the chain: its seq and mac."""

    seq: int
    mac: str


@dataclass(frozen=True)
class ChainRow:
    """One stored record as the verifier sees it; ``consistent`` is False when the row's search
    columns (user, action, decision, time) disagree with its JSON."""

    seq: int
    body: str
    prev_mac: str
    mac: str
    consistent: bool = True


# --- verification ------------------------------------------------------------------------


def _span(first: int, last: int) -> str:
    return str(first) if first == last else f"{first}–{last}"


def _plural(first: int, last: int) -> tuple[str, str]:
    return ("record", "was") if first == last else ("records", "were")


@dataclass
class _Problems:
    """Problems in record order; runs of one kind on consecutive records merge into one."""

    runs: list[list[Any]] = field(default_factory=list)  # [kind, first, last, offset]

    def add(self, kind: str, seq: int, offset: int = 0) -> None:
        last = self.runs[-1] if self.runs else None
        if last and last[0] == kind and last[2] == seq - 1 and last[3] == offset:
            last[2] = seq
        else:
            self.runs.append([kind, seq, seq, offset])

    def add_range(self, kind: str, first: int, last: int) -> None:
        self.runs.append([kind, first, last, 0])

    def drop(self, kinds: set[str]) -> None:
        self.runs = [run for run in self.runs if run[0] not in kinds]

    def render(self) -> tuple[str, ...]:
        return tuple(_render(kind, a, b, offset) for kind, a, b, offset in self.runs)


def _render(kind: str, a: int, b: int, offset: int) -> str:
    span, (records, was) = _span(a, b), _plural(a, b)
    if kind == "edited":
        return f"第 {span} 条记录被修改 {records} {span} {was} edited"
    if kind == "deleted":
        return f"第 {span} 条记录被删除 {records} {span} {was} deleted"
    if kind == "moved":
        to = _span(a - offset, b - offset)
        positions = "position" if a == b else "positions"
        return (
            f"第 {span} 条记录被移到第 {to} 位（顺序被调换） "
            f"{records} {span} {was} moved to {positions} {to} (reordered)"
        )
    if kind == "unlinked":
        return (
            f"第 {span} 条记录与前一条记录的链接不符 "
            f"{records} {span} {'does' if a == b else 'do'} not follow the record before"
        )
    if kind == "truncated":
        return (
            f"日志末尾被截断：外部锚点记录到第 {b} 条，第 {span} 条记录缺失 "
            f"the log's tail was cut off: the external anchor records record {b}; "
            f"{records} {span} {'is' if a == b else 'are'} missing"
        )
    if kind == "anchor_mismatch":
        return f"第 {span} 条记录与外部锚点不符 record {span} does not match the external anchor"
    raise ValueError(kind)


def key_mismatch(count: int) -> str:
    return (
        f"审计密钥与日志不匹配：全部 {count} 条记录的校验码都不符（日志被用另一个密钥重算，"
        f"或使用了错误的密钥文件） the audit key does not match the log: all {count} records "
        "fail their MAC (the chain was recomputed with another key, or the wrong key is in use)"
    )


def anchor_missing(path: Path) -> str:
    return (
        f"外部锚点文件 {path} 缺失，无法检查日志末尾是否被截断 "
        f"the external anchor file {path} is missing: a cut-off tail cannot be ruled out"
    )


def anchor_unreadable(path: Path) -> str:
    return (
        f"外部锚点文件 {path} 已损坏 the external anchor file {path} is unreadable "
        "(move it aside to let the next record write a new one)"
    )


def _body_seq(body: str) -> int | None:
    try:
        seq = json.loads(body).get("seq")
    except (ValueError, AttributeError):
        return None
    return seq if isinstance(seq, int) else None


def check_chain(
    rows: Iterable[ChainRow], key: bytes, anchor: ChainHead | None
) -> tuple[int, tuple[str, ...]]:
    """(number of rows, problems) for ``rows`` in seq order against ``key`` and the anchor."""
    problems = _Problems()
    count = authentic = last_seq = 0
    last_mac, last_flagged, anchored_mac = GENESIS, False, None
    for row in rows:
        count += 1
        gap = row.seq > last_seq + 1
        if gap:
            problems.add_range("deleted", last_seq + 1, row.seq - 1)
        flagged = False
        if chain_mac(key, row.prev_mac, row.seq, row.body) == row.mac:
            authentic += 1
            if not (gap or last_flagged) and row.prev_mac != last_mac:
                problems.add("unlinked", row.seq)
        else:
            flagged = True
            moved_from = _body_seq(row.body)
            if moved_from not in (None, row.seq) and row.mac == chain_mac(
                key, row.prev_mac, moved_from, row.body
            ):
                authentic += 1
                problems.add("moved", moved_from, offset=moved_from - row.seq)
            else:
                problems.add("edited", row.seq)
        if not row.consistent and not flagged:
            problems.add("edited", row.seq)
        if anchor is not None and row.seq == anchor.seq:
            anchored_mac = row.mac
        last_seq, last_mac, last_flagged = row.seq, row.mac, flagged
    if count and not authentic:
        problems.drop({"edited", "moved", "unlinked"})
        rendered = (key_mismatch(count), *problems.render())
        return count, rendered + _anchor(anchor, last_seq, anchored_mac)
    return count, problems.render() + _anchor(anchor, last_seq, anchored_mac)


def _anchor(anchor: ChainHead | None, last_seq: int, anchored_mac: str | None) -> tuple[str, ...]:
    if anchor is None or anchor.seq == 0:
        return ()
    if anchor.seq > last_seq:
        return (_render("truncated", last_seq + 1, anchor.seq, 0),)
    if anchored_mac is not None and anchored_mac != anchor.mac:
        return (_render("anchor_mismatch", anchor.seq, anchor.seq, 0),)
    return ()  # the anchored record matches (or was deleted, which is reported already)
