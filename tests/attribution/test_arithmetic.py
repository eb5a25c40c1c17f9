"""The attribution arithmetic: contributions, and rate + mix parts, add up to the total change
exactly (a property over random members, values and members present in one period only)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from asker.semantic.attribution import additive, overall_ratio, ratio, ratio_total, top_share
from asker.semantic.attribution import total_change as additive_total

amounts = st.decimals(min_value=0, max_value=10**12, places=2, allow_nan=False)
maybe = st.one_of(st.none(), amounts)
members = st.dictionaries(st.text(min_size=1, max_size=4), st.tuples(maybe, maybe), max_size=12)


@given(members)
def test_contributions_sum_to_the_total_change(
    values: dict[str, tuple[Decimal | None, ...]],
) -> None:
    parts = additive(values)  # type: ignore[arg-type]
    before = sum((Fraction(b or 0) for b, _ in values.values()), Fraction(0))
    after = sum((Fraction(a or 0) for _, a in values.values()), Fraction(0))
    assert additive_total(parts) == after - before


pair = st.tuples(amounts, amounts).map(lambda p: (min(p), max(p)))  # numerator <= denominator
absent = st.just((None, None))
ratio_members = st.dictionaries(
    st.text(min_size=1, max_size=4),
    st.tuples(st.one_of(pair, absent), st.one_of(pair, absent)),
    min_size=1,
    max_size=12,
)


@given(ratio_members)
def test_rate_and_mix_parts_sum_to_the_ratio_change(values: dict) -> None:  # type: ignore[type-arg]
    before, after = overall_ratio(values, 0), overall_ratio(values, 1)
    parts = ratio(values)
    if before is None or after is None:
        return
    # R1 - R0 by hand: Σ numerators / Σ denominators at each end
    num = [sum(Fraction(v[p][0] or 0) for v in values.values()) for p in (0, 1)]
    den = [sum(Fraction(v[p][1] or 0) for v in values.values()) for p in (0, 1)]
    assert ratio_total(parts) == num[1] / den[1] - num[0] / den[0]
    assert sum(p.rate for p in parts) + sum(p.mix for p in parts) == after - before


def test_a_ratio_split_by_hand() -> None:
    # branch a: 1/10 -> 1/10; branch b: 0/10 -> 3/30. R0 = 1/20, R1 = 4/40 = 1/10.
    a, b = ratio({"a": ((1, 10), (1, 10)), "b": ((0, 10), (3, 30))})
    assert (a.rate, a.mix) == (0, Fraction(-1, 4) * Fraction(1, 10))
    assert (b.rate, b.mix) == (Fraction(1, 2) * Fraction(1, 10), Fraction(1, 4) * Fraction(1, 10))
    assert a.contribution + b.contribution == Fraction(1, 20)


def test_a_member_in_one_period_only() -> None:
    new, gone = ratio({"new": ((None, None), (1, 4)), "gone": ((1, 2), (None, None))})
    assert new.rate == 0 and new.mix == Fraction(1, 4)  # all mix: w1·r1
    assert gone.mix == 0 and gone.rate == -Fraction(1, 2)  # all rate: -w0·r0
    assert additive({"x": (None, 5)})[0].contribution == 5


def test_top_share_is_the_largest_members_share_of_the_absolute_change() -> None:
    assert top_share([Fraction(-3), Fraction(1)]) == Fraction(3, 4)
    assert top_share([Fraction(0)]) == 0
