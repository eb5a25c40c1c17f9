"""The arithmetic of "why did it change": a metric's change between two periods split over the
members of one dimension, exactly (fractions, never floats).

Additive metrics (balances, counts, amounts): a member's contribution is its own change,
``v1 - v0``, and the contributions add up to the total change.

Ratio metrics (不良率 = 不良余额 / 贷款余额): with ``wᵢ`` the member's share of the denominator
and ``rᵢ`` its own ratio, ``R = Σ wᵢ·rᵢ``; the change ``R1 - R0`` splits per member into a rate
part ``w0ᵢ·(r1ᵢ - r0ᵢ)`` (its own ratio moved) and a mix part ``(w1ᵢ - w0ᵢ)·r1ᵢ`` (its weight
moved); the parts add up to ``R1 - R0`` exactly.

Members present in only one period: a member missing from a period counts as zero there (a
balance of 0, a count of 0; for a ratio a denominator of 0, so its weight is 0 and its ratio in
that period is taken as 0: a new member's change is all mix part, ``w1·r1``; a member that left
is all rate part, ``-w0·r0``). A period whose whole denominator is 0 has no ratio (None).

>>> parts = additive({"成都": (10, 4), "上海": (5, 8)})
>>> [(p.member, p.contribution) for p in parts], total_change(parts)
([('成都', Fraction(-6, 1)), ('上海', Fraction(3, 1))], Fraction(-3, 1))
>>> split = ratio({"a": ((1, 10), (1, 10)), "b": ((0, 10), (3, 30))})
>>> sum(p.rate + p.mix for p in split) == ratio_total(split)
True
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

Number = int | float | Decimal | Fraction


def exact(value: Number | None) -> Fraction:
    """A warehouse number as an exact fraction (None, a missing value, is 0)."""
    if value is None:
        return Fraction(0)
    return Fraction(value)


@dataclass(frozen=True)
class MemberChange:
    """One member of an additive split: its values at the base (0) and current (1) period."""

    member: str
    before: Fraction
    after: Fraction

    @property
    def contribution(self) -> Fraction:
        return self.after - self.before


@dataclass(frozen=True)
class RatioChange:
    """One member of a ratio split: its own ratio, its weight in each period, and the parts."""

    member: str
    ratio_before: Fraction
    ratio_after: Fraction
    weight_before: Fraction
    weight_after: Fraction

    @property
    def rate(self) -> Fraction:
        return self.weight_before * (self.ratio_after - self.ratio_before)

    @property
    def mix(self) -> Fraction:
        return (self.weight_after - self.weight_before) * self.ratio_after

    @property
    def contribution(self) -> Fraction:
        return self.rate + self.mix


def additive(values: Mapping[str, tuple[Number | None, Number | None]]) -> list[MemberChange]:
    """Per member ``(before, after)`` -> its change, in the order given."""
    return [MemberChange(m, exact(b), exact(a)) for m, (b, a) in values.items()]


def total_change(parts: list[MemberChange]) -> Fraction:
    return sum((p.contribution for p in parts), Fraction(0))


Pair = tuple[Number | None, Number | None]  # (numerator, denominator)


def ratio(values: Mapping[str, tuple[Pair, Pair]]) -> list[RatioChange]:
    """Per member ``((num0, den0), (num1, den1))`` -> its rate and mix parts, in the order given."""
    den0 = sum((exact(d) for (_, d), _ in values.values()), Fraction(0))
    den1 = sum((exact(d) for _, (_, d) in values.values()), Fraction(0))
    out = []
    for member, ((n0, d0), (n1, d1)) in values.items():
        out.append(
            RatioChange(
                member,
                _share(exact(n0), exact(d0)),
                _share(exact(n1), exact(d1)),
                _share(exact(d0), den0),
                _share(exact(d1), den1),
            )
        )
    return out


def _share(part: Fraction, whole: Fraction) -> Fraction:
    return part / whole if whole else Fraction(0)


def overall_ratio(values: Mapping[str, tuple[Pair, Pair]], period: int) -> Fraction | None:
    """The whole ratio of one period (0 or 1) over the members, None without a denominator."""
    num = sum((exact(v[period][0]) for v in values.values()), Fraction(0))
    den = sum((exact(v[period][1]) for v in values.values()), Fraction(0))
    return num / den if den else None


def ratio_total(parts: list[RatioChange]) -> Fraction:
    """Σ rate + mix, which is R1 - R0 whenever both periods have a denominator."""
    return sum((p.contribution for p in parts), Fraction(0))


def top_share(contributions: list[Fraction]) -> Fraction:
    """The share of the absolute change carried by the largest member: max |cᵢ| / Σ |cᵢ|
    (0 when nothing changed). The measure that picks the dimension that explains most."""
    whole = sum((abs(c) for c in contributions), Fraction(0))
    return max(abs(c) for c in contributions) / whole if whole else Fraction(0)
