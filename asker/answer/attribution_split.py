"""A "why did it change" result read into members: each member's values at both periods and its
contribution (additive) or rate and mix parts (ratios), exactly, with the whole from the
ungrouped query. Members the k-cell rule withheld are merged into one row (the whole minus the
members shown), so the rows still add up to the total change and no withheld value is shown
alone; members below a top N are summed into one 其他 row."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from asker.semantic import attribution as arithmetic
from asker.types import QueryResult

Values = tuple[Any, Any]  # (at the comparison period, at the period)


@dataclass(frozen=True)
class Member:
    """One row of a split; ``before``/``after`` are its values (a ratio: its own ratio, None
    without a denominator); ``merged`` > 0 marks a row standing for that many members."""

    name: str | None
    before: Fraction | None
    after: Fraction | None
    contribution: Fraction
    rate: Fraction | None = None
    mix: Fraction | None = None
    merged: int = 0
    withheld: bool = False  # the merged members include cells the k-cell rule withheld


@dataclass(frozen=True)
class Split:
    kind: str  # "additive" | "ratio"
    members: tuple[Member, ...]
    before: Fraction | None
    after: Fraction | None
    total: Fraction
    rate_total: Fraction | None = None
    mix_total: Fraction | None = None
    withheld: int = 0  # members merged by the k-cell rule

    @property
    def shown(self) -> tuple[Member, ...]:
        return tuple(m for m in self.members if not m.merged)


Members = dict[str | None, tuple[Values, ...]]  # per member, each part's (before, after)


def read_members(
    result: QueryResult, codes: tuple[str, ...], dimension: str | None
) -> tuple[dict[str | None, tuple[Any, ...]], set[str | None]]:
    """Per member (its display name): each part's value; and the members with a cell the
    k-cell rule withheld."""
    index = {c: i for i, c in enumerate(result.columns)}
    hidden = {s.row for s in result.suppressed}
    members: dict[str | None, tuple[Any, ...]] = {}
    withheld: set[str | None] = set()
    for n, row in enumerate(result.rows):
        name = row[index[dimension]] if dimension else None
        if n in hidden:
            withheld.add(name)
        members[name] = tuple(row[index[c]] for c in codes)
    return members, withheld


@dataclass(frozen=True)
class Results:
    """The queries a split reads: per member and for the whole, at each period (the whole is
    None when choosing a dimension: the members' sum stands for it)."""

    before: QueryResult
    after: QueryResult
    whole_before: QueryResult | None = None
    whole_after: QueryResult | None = None


def split(
    kind: str,
    codes: tuple[str, ...],
    results: Results,
    dimension: str,
    *,
    top: int | None = None,
) -> Split:
    """The split of the per-member results against the whole."""
    before, hidden_before = read_members(results.before, codes, dimension)
    after, hidden_after = read_members(results.after, codes, dimension)
    hidden = hidden_before | hidden_after
    empty = tuple(None for _ in codes)
    members: Members = {
        name: tuple(zip(before.get(name, empty), after.get(name, empty), strict=True))
        for name in dict.fromkeys([*before, *after])
        if name not in hidden
    }
    whole = _whole(results, codes, before, after)
    if hidden:
        members[_MERGED] = tuple(
            (
                _minus(w[0], [m[i][0] for m in members.values()]),
                _minus(w[1], [m[i][1] for m in members.values()]),
            )
            for i, w in enumerate(whole)
        )
    rows = _additive(members) if kind == "additive" else _ratio(members)
    rows = _ranked(rows, len(hidden))
    if top is not None and len([r for r in rows if not r.merged]) > top:
        rows = _top(rows, top, kind, members)
    return _summary(kind, rows, whole, len(hidden))


_MERGED = "\x00merged"  # the key of the members the k-cell rule withheld


def _whole(
    results: Results,
    codes: tuple[str, ...],
    before: dict[str | None, tuple[Any, ...]],
    after: dict[str | None, tuple[Any, ...]],
) -> tuple[Values, ...]:
    """Each part's (before, after) for the whole: the ungrouped queries, else the sums."""
    ends = []
    for result, members in ((results.whole_before, before), (results.whole_after, after)):
        if result is not None and result.rows and not result.suppressed:
            ends.append(read_members(result, codes, None)[0][None])
        else:
            ends.append(
                tuple(
                    sum((arithmetic.exact(m[i]) for m in members.values()), Fraction(0))
                    for i in range(len(codes))
                )
            )
    return tuple(zip(ends[0], ends[1], strict=True))


def _minus(whole: Any, shown: list[Any]) -> Fraction:
    return arithmetic.exact(whole) - sum((arithmetic.exact(v) for v in shown), Fraction(0))


def _additive(members: dict[str | None, tuple[Values, ...]]) -> list[Member]:
    parts = arithmetic.additive({k: v[0] for k, v in members.items()})  # type: ignore[misc]
    return [
        Member(p.member, p.before, p.after, p.contribution, merged=_merged(p.member)) for p in parts
    ]


def _ratio(members: dict[str | None, tuple[Values, ...]]) -> list[Member]:
    pairs = {k: ((v[0][0], v[1][0]), (v[0][1], v[1][1])) for k, v in members.items()}
    parts = arithmetic.ratio(pairs)  # type: ignore[arg-type]
    out = []
    for p, (k, ((_, d0), (_, d1))) in zip(parts, pairs.items(), strict=True):
        out.append(
            Member(
                k,
                p.ratio_before if arithmetic.exact(d0) else None,
                p.ratio_after if arithmetic.exact(d1) else None,
                p.contribution,
                p.rate,
                p.mix,
                merged=_merged(k),
            )
        )
    return out


def _merged(key: str | None) -> int:
    return 1 if key == _MERGED else 0


def _ranked(rows: list[Member], withheld: int) -> list[Member]:
    shown = sorted(
        (r for r in rows if not r.merged), key=lambda r: (-abs(r.contribution), r.name or "")
    )
    merged = [
        Member(None, r.before, r.after, r.contribution, r.rate, r.mix, withheld, True)
        for r in rows
        if r.merged
    ]
    return shown + merged


def _top(
    rows: list[Member], top: int, kind: str, members: dict[str | None, tuple[Values, ...]]
) -> list[Member]:
    """The top N members, the rest (and any withheld) summed into one 其他 row."""
    kept, rest = rows[:top], rows[top:]
    rest_keys = [_MERGED if r.withheld else r.name for r in rest]
    count = sum(r.merged or 1 for r in rest)
    before = after = None
    if kind == "additive":
        before = sum((r.before or Fraction(0) for r in rest), Fraction(0))
        after = sum((r.after or Fraction(0) for r in rest), Fraction(0))
    else:
        before = _group_ratio([members[k] for k in rest_keys], 0)
        after = _group_ratio([members[k] for k in rest_keys], 1)
    other = Member(
        None,
        before,
        after,
        sum((r.contribution for r in rest), Fraction(0)),
        _sum_or_none([r.rate for r in rest]),
        _sum_or_none([r.mix for r in rest]),
        count,
        any(r.withheld for r in rest),
    )
    return [*kept, other]


def _group_ratio(values: list[tuple[Values, ...]], period: int) -> Fraction | None:
    num = sum((arithmetic.exact(v[0][period]) for v in values), Fraction(0))
    den = sum((arithmetic.exact(v[1][period]) for v in values), Fraction(0))
    return num / den if den else None


def _sum_or_none(values: list[Fraction | None]) -> Fraction | None:
    if any(v is None for v in values):
        return None
    return sum((v for v in values if v is not None), Fraction(0))


def _summary(kind: str, rows: list[Member], whole: tuple[Values, ...], withheld: int) -> Split:
    if kind == "additive":
        before, after = (arithmetic.exact(v) for v in whole[0])
        return Split(kind, tuple(rows), before, after, after - before, withheld=withheld)
    (n0, n1), (d0, d1) = whole
    r0 = arithmetic.exact(n0) / arithmetic.exact(d0) if arithmetic.exact(d0) else None
    r1 = arithmetic.exact(n1) / arithmetic.exact(d1) if arithmetic.exact(d1) else None
    total = (
        (r1 - r0)
        if r0 is not None and r1 is not None
        else sum((r.contribution for r in rows), Fraction(0))
    )
    return Split(
        kind,
        tuple(rows),
        r0,
        r1,
        total,
        sum((r.rate or Fraction(0) for r in rows), Fraction(0)),
        sum((r.mix or Fraction(0) for r in rows), Fraction(0)),
        withheld,
    )


def top_members_share(members: tuple[Member, ...], n: int = 3) -> Fraction:
    """The share of the absolute change the ``n`` largest members carry: Σ top |cᵢ| / Σ |cᵢ|
    (the measure that picks the dimension explaining most; 0 when nothing changed). Rows
    without a member value (对公 customers have no 客群) or merged explain nothing: they
    count in the whole, never among the top."""
    whole = sum((abs(m.contribution) for m in members), Fraction(0))
    named = [m for m in members if m.name is not None and not m.merged]
    sizes = sorted((abs(m.contribution) for m in named), reverse=True)
    return sum(sizes[:n], Fraction(0)) / whole if whole else Fraction(0)
