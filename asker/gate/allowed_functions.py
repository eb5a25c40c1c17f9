"""Gate step: every function is on a short allow-list of scalar, aggregate and window functions.

Table functions, ``duckdb_*``, ``pragma_*``, settings, environment and file functions, and any
function sqlglot does not know (``Anonymous``) unless listed by name are refused
(``FUNCTION_NOT_ALLOWED``), naming the function.

>>> sorted(ANONYMOUS)
['DATE_PART', 'DATE_SUB']
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlglot import exp

from asker.gate.issues import Issue, issue, raise_if_any
from asker.gate.sources import function_name
from asker.gate.state import GateState

AGGREGATES: tuple[type[exp.Func], ...] = (
    exp.Sum, exp.Count, exp.Avg, exp.Min, exp.Max, exp.Median, exp.Stddev, exp.StddevPop,
    exp.StddevSamp, exp.PercentileCont, exp.CountIf,
)  # fmt: skip
SCALARS: tuple[type[exp.Func], ...] = (
    exp.Round, exp.Abs, exp.Ceil, exp.Floor, exp.Pow, exp.Coalesce, exp.Nullif, exp.Greatest,
    exp.Least, exp.Case, exp.If, exp.Cast, exp.TryCast,
)  # fmt: skip
DATES: tuple[type[exp.Func], ...] = (
    exp.DateTrunc, exp.TimestampTrunc, exp.Extract, exp.Year, exp.Quarter, exp.Month, exp.Day,
    exp.LastDay, exp.DateFromParts, exp.DateDiff, exp.DateAdd, exp.DateSub, exp.TimeToStr,
    exp.CurrentDate,
)  # fmt: skip
STRINGS: tuple[type[exp.Func], ...] = (
    exp.Lower, exp.Upper, exp.Trim, exp.Length, exp.Substring, exp.Left, exp.Right,
    exp.Concat, exp.Replace,
)  # fmt: skip
WINDOWS: tuple[type[exp.Func], ...] = (
    exp.RowNumber, exp.Rank, exp.DenseRank, exp.Ntile, exp.Lag, exp.Lead, exp.FirstValue,
    exp.LastValue, exp.PercentRank, exp.CumeDist,
)  # fmt: skip
LOGIC: tuple[type[exp.Func], ...] = (exp.And, exp.Or, exp.Exists)
FUNCTIONS: frozenset[type[exp.Func]] = frozenset(
    AGGREGATES + SCALARS + DATES + STRINGS + WINDOWS + LOGIC
)
# functions sqlglot parses as Anonymous, allowed by their (upper-case) name
ANONYMOUS = frozenset({"DATE_SUB", "DATE_PART"})


def allowed_functions(state: GateState) -> GateState:
    raise_if_any(function_issues(state.query))
    return state


def function_issues(tree: exp.Expr) -> Iterator[Issue]:
    for node in tree.walk():
        if isinstance(node, exp.Func) and not function_allowed(node):
            yield issue("FUNCTION_NOT_ALLOWED", node, name=function_name(node))


def function_allowed(node: exp.Func) -> bool:
    if isinstance(node, exp.Anonymous):
        return function_name(node) in ANONYMOUS
    return type(node) in FUNCTIONS
