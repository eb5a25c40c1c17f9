"""The comparator's options, one by one, and its three presets. Expected verdicts follow from
each option's documented meaning (eval/compare.py), written here by hand."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal

import pytest

from asker.warehouse.engine import DuckDBExecutor
from eval.compare import PRESETS, CompareOptions, Gold, compare
from eval.gold import run_gold

PLAIN = CompareOptions(row_order="never", bag=True)


def eq(rows: Sequence[Sequence[object]], gold: Gold, options: CompareOptions = PLAIN) -> bool:
    width = len(gold.columns) if not rows else len(rows[0])
    return compare(tuple(f"c{i}" for i in range(width)), rows, gold, options).equal


def test_empty_results_equal_each_other_and_nothing_else() -> None:
    empty = Gold(("a",), ())
    assert eq([], empty)
    assert not eq([(1,)], empty)
    assert not eq([], Gold(("a",), ((1,),)))


def test_column_count_must_match() -> None:
    assert not eq([(1, 2)], Gold(("a",), ((1,),)))


@pytest.mark.parametrize(
    ("row_order", "gold_ordered", "equal"),
    [
        ("never", True, True),
        ("gold_orders", False, True),
        ("gold_orders", True, False),
        ("always", False, False),
    ],
)
def test_row_order(row_order: str, gold_ordered: bool, equal: bool) -> None:
    gold = Gold(("a",), ((1,), (2,)), ordered=gold_ordered)
    options = replace(PLAIN, row_order=row_order)  # type: ignore[arg-type]
    assert eq([(2,), (1,)], gold, options) is equal
    assert eq([(1,), (2,)], gold, options)


def test_duplicate_rows_count_in_a_bag_not_in_a_set() -> None:
    gold = Gold(("a",), ((1,), (2,)))
    doubled = [(1,), (1,), (2,)]
    assert not eq(doubled, gold, replace(PLAIN, bag=True))
    assert eq(doubled, gold, replace(PLAIN, bag=False))
    assert not eq([(1,), (2,)], Gold(("a",), ((1,), (1,), (2,))), replace(PLAIN, bag=True))


def test_column_permutation() -> None:
    gold = Gold(("name", "n"), (("x", 1), ("y", 2)))
    swapped = [(1, "x"), (2, "y")]
    assert not eq(swapped, gold, replace(PLAIN, column_permutation=False))
    assert eq(swapped, gold, replace(PLAIN, column_permutation=True))
    # a permutation must hold for every row at once, not row by row
    assert not eq([(1, "x"), ("y", 2)], gold, replace(PLAIN, column_permutation=True))


def test_float_relative_tolerance() -> None:
    gold = Gold(("r",), ((0.1234567,),))
    close = [(0.1234567 * (1 + 1e-8),)]
    assert not eq(close, gold, replace(PLAIN, rel_tol=0.0))
    assert eq(close, gold, replace(PLAIN, rel_tol=1e-6))
    assert not eq([(0.1235,)], gold, replace(PLAIN, rel_tol=1e-6))


def test_ints_floats_and_decimals_compare_by_value_or_by_type() -> None:
    gold = Gold(("n",), ((Decimal("3.00"),),))
    assert eq([(3,)], gold, replace(PLAIN, numbers_by_value=True))
    assert eq([(3.0,)], gold, replace(PLAIN, numbers_by_value=True))
    assert not eq([(3,)], gold, replace(PLAIN, numbers_by_value=False))
    assert not eq([(3.5,)], gold, replace(PLAIN, numbers_by_value=True))


def test_null_equals_null_and_null_only_rows_can_be_dropped() -> None:
    gold = Gold(("branch", "v"), (("成都分行", None), ("上海分行", 5)))
    assert eq([("成都分行", None), ("上海分行", 5)], gold, PLAIN)
    assert not eq([("上海分行", 5)], gold, replace(PLAIN, null_rows="keep"))
    assert eq([("上海分行", 5)], gold, replace(PLAIN, null_rows="drop"))
    # a NULL is not a zero
    assert not eq([("成都分行", 0), ("上海分行", 5)], gold, replace(PLAIN, null_rows="drop"))


def test_rows_tied_at_limit_are_interchangeable_only_with_the_option() -> None:
    # gold: ORDER BY n DESC LIMIT 2 over a=3, b=2, c=2: b and c tie at the cut
    gold = Gold(("k", "n"), (("a", 3), ("b", 2)), ordered=True, ties=(("b", 2), ("c", 2)))
    other_tie = [("a", 3), ("c", 2)]
    assert not eq(other_tie, gold, replace(PLAIN, row_order="gold_orders", limit_ties=False))
    assert eq(other_tie, gold, replace(PLAIN, row_order="gold_orders", limit_ties=True))
    # the row before the tie is not interchangeable, nor is a row outside the gold
    assert not eq(
        [("c", 2), ("b", 2)], gold, replace(PLAIN, row_order="gold_orders", limit_ties=True)
    )
    assert not eq([("a", 3), ("d", 1)], gold, replace(PLAIN, limit_ties=True))


def test_run_gold_finds_the_rows_tied_at_the_cut(tiny_executor: DuckDBExecutor) -> None:
    # ten 分行 share org_level '分行': the cut at 3 ties with all ten
    gold = run_gold(
        "SELECT org_id FROM dim_org WHERE org_level = '分行' ORDER BY org_level LIMIT 3",
        tiny_executor,
        timeout_s=30,
    )
    assert gold.ordered and len(gold.rows) == 3
    assert sorted(r[0] for r in gold.ties) == [f"B{i:02d}" for i in range(1, 11)]
    assert eq([("B07",), ("B09",), ("B10",)], gold, PRESETS["asker"])
    assert not eq([("B07",), ("B09",), ("B10",)], gold, PRESETS["spider_testsuite"])
    # ordering by a unique key leaves no ties
    unique = run_gold(
        "SELECT org_id FROM dim_org ORDER BY org_id LIMIT 3", tiny_executor, timeout_s=30
    )
    assert unique.ties == ()


def test_presets() -> None:
    gold = Gold(("name", "n"), (("x", 1), ("y", 2)), ordered=True)
    reordered_set = [("y", 2), ("x", 1), ("x", 1)]
    assert eq(reordered_set, gold, PRESETS["bird_ex"])  # set, any order
    assert not eq(reordered_set, gold, PRESETS["spider_testsuite"])  # bag, gold orders
    assert eq([(1, "x"), (2, "y")], gold, PRESETS["spider_testsuite"])  # columns permuted
    assert not eq([(1, "x"), (2, "y")], gold, PRESETS["bird_ex"])
    assert eq([("x", 1.0000000001), ("y", 2)], gold, PRESETS["asker"])  # tolerance
    assert not eq([("x", 1.0000001), ("y", 2)], gold, PRESETS["bird_ex"])  # exact


def test_every_option_is_documented_in_the_module() -> None:
    import eval.compare as module

    doc = module.__doc__ or ""
    for option in CompareOptions.__dataclass_fields__:
        assert f"``{option}``" in doc, f"{option} is not documented in eval/compare.py"
