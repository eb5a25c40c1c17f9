"""Gate step: every node of the query is a construct the gate understands, with only the
arguments it understands. An allow-list: anything else (PIVOT, SUMMARIZE, TABLESAMPLE,
``* REPLACE``, ``#1``, ``COLUMNS()``, ``UNION BY NAME``, lambdas, struct/list/map literals,
placeholders, time travel, table functions, ...) is refused naming the construct.

Functions are left to the next step (``allowed_functions``), except the few "functions" that
are really syntax (``COLUMNS()``, struct/list/map literals, UNNEST, variables).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from sqlglot import exp

from asker.gate.issues import Issue, issue, raise_if_any
from asker.gate.sources import function_name
from asker.gate.state import GateState

BINARY = frozenset({"this", "expression"})
QUERY_PARTS = frozenset({"with_", "order", "limit", "offset"})

# node type -> the arguments it may carry (a set argument outside the list is refused)
STRUCTURE: dict[type[exp.Expr], frozenset[str]] = {
    exp.Select: frozenset(
        {"expressions", "distinct", "from_", "joins", "where", "group", "having", "qualify"}
    )
    | QUERY_PARTS,
    exp.Union: frozenset({"this", "expression", "distinct"}) | QUERY_PARTS,
    exp.Intersect: frozenset({"this", "expression", "distinct"}) | QUERY_PARTS,
    exp.Except: frozenset({"this", "expression", "distinct"}) | QUERY_PARTS,
    exp.With: frozenset({"expressions"}),
    exp.CTE: frozenset({"this", "alias", "materialized"}),
    exp.From: frozenset({"this"}),
    exp.Join: frozenset({"this", "on", "using", "side", "kind", "method"}),
    exp.Lateral: frozenset({"this", "alias"}),
    exp.Subquery: frozenset({"this", "alias"}),
    exp.Table: frozenset({"this", "db", "catalog", "alias"}),
    exp.TableAlias: frozenset({"this"}),
    exp.Where: frozenset({"this"}),
    exp.Having: frozenset({"this"}),
    exp.Qualify: frozenset({"this"}),
    exp.Group: frozenset({"expressions", "all"}),
    exp.Rollup: frozenset({"expressions"}),
    exp.Cube: frozenset({"expressions"}),
    exp.GroupingSets: frozenset({"expressions"}),
    exp.Order: frozenset({"expressions"}),
    exp.Ordered: frozenset({"this", "desc", "nulls_first"}),
    exp.Limit: frozenset({"expression"}),
    exp.Offset: frozenset({"expression"}),
    exp.Distinct: frozenset({"expressions", "on"}),
    exp.Window: frozenset({"this", "partition_by", "order", "spec", "over"}),
    exp.WindowSpec: frozenset({"kind", "start", "start_side", "end", "end_side"}),
    exp.Filter: BINARY,
    exp.Column: frozenset({"this", "table"}),
    exp.Identifier: frozenset({"this", "quoted"}),
    exp.Star: frozenset({"except_"}),
    exp.Alias: frozenset({"this", "alias"}),
    exp.Literal: frozenset({"this", "is_string"}),
    exp.Boolean: frozenset({"this"}),
    exp.Null: frozenset(),
    exp.Paren: frozenset({"this"}),
    exp.Tuple: frozenset({"expressions"}),
    exp.Neg: frozenset({"this"}),
    exp.Not: frozenset({"this"}),
    exp.Is: BINARY,
    exp.In: frozenset({"this", "expressions", "query"}),
    exp.Between: frozenset({"this", "low", "high"}),
    exp.Like: BINARY,
    exp.ILike: BINARY,
    exp.DataType: frozenset({"this", "expressions"}),
    exp.DataTypeParam: frozenset({"this"}),
    exp.Interval: frozenset({"this", "unit"}),
    exp.Var: frozenset({"this"}),
    exp.Div: frozenset({"this", "expression", "typed", "safe"}),
    exp.DPipe: frozenset({"this", "expression", "safe"}),
    **{
        kind: BINARY
        for kind in (
            *(exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE, exp.NullSafeEQ),
            *(exp.NullSafeNEQ, exp.Add, exp.Sub, exp.Mul, exp.Mod, exp.IntDiv),
        )
    },
}

# argument values that are plain strings: the ones allowed
JOIN_WORDS = {
    "side": {"LEFT", "RIGHT", "FULL"},
    "kind": {"INNER", "OUTER", "CROSS"},  # SEMI/ANTI: sqlglot's scopes do not list their tables
    "method": {"NATURAL"},
}
TYPES = {
    exp.DataType.Type.VARCHAR, exp.DataType.Type.TEXT, exp.DataType.Type.CHAR,
    exp.DataType.Type.INT, exp.DataType.Type.BIGINT, exp.DataType.Type.SMALLINT,
    exp.DataType.Type.TINYINT, exp.DataType.Type.DECIMAL, exp.DataType.Type.DOUBLE,
    exp.DataType.Type.FLOAT, exp.DataType.Type.DATE, exp.DataType.Type.TIMESTAMP,
    exp.DataType.Type.TIMESTAMPNTZ,  # what sqlglot reads TIMESTAMP as after a transpile
    exp.DataType.Type.BOOLEAN,
}  # fmt: skip
META_KEYS = {"line", "col", "start", "end", "nonnull"}
# functions that are syntax: refused here, with a name people recognise
CONSTRUCTS: dict[type[exp.Expr], str] = {
    exp.Columns: "COLUMNS()",
    exp.Struct: "struct literal {...}",
    exp.Array: "list literal [...]",
    exp.ToMap: "MAP literal",
    exp.Map: "MAP literal",
    exp.VarMap: "MAP literal",
    exp.Explode: "UNNEST",
    exp.Unnest: "UNNEST",
}
VARIABLE_FUNCTIONS = {"GETVARIABLE", "SET_VARIABLE"}
NAMES: dict[type[exp.Expr], str] = {
    exp.Pivot: "PIVOT/UNPIVOT",
    exp.TableSample: "TABLESAMPLE / USING SAMPLE",
    exp.PositionalColumn: "positional column reference (#n)",
    exp.Placeholder: "placeholder or parameter ($1, ?, $name)",
    exp.Parameter: "parameter",
    exp.SessionParameter: "session parameter",
    exp.Lambda: "lambda expression",
    exp.HistoricalData: "AT (...) time travel",
    exp.Version: "time travel",
    exp.Dot: "struct field access (a.b.c)",
    exp.Bracket: "subscript [...]",
    exp.TableColumn: "a table alias used as a whole-row value",
    exp.Values: "VALUES list",
    exp.Collate: "COLLATE",
    exp.Escape: "LIKE ... ESCAPE",
    exp.Fetch: "FETCH FIRST",
    exp.Hint: "optimizer hint",
}


def allowed_nodes(state: GateState) -> GateState:
    raise_if_any(node_issues(state.query))
    return state


def node_issues(tree: exp.Expr, *, parsed: bool = True) -> Iterator[Issue]:
    """An issue for every node that is not allow-listed (functions are checked later).

    ``parsed``: the tree came from the parser, whose node metadata must be positions only
    (a ``/* sqlglot.meta ... */`` comment could otherwise steer name resolution).
    """
    for node in tree.walk():
        if parsed and isinstance(node, exp.Expression) and set(node.meta) - META_KEYS:
            yield issue("UNSUPPORTED_SQL", node, construct="sqlglot.meta comment")
            continue
        if isinstance(node, exp.Table) and isinstance(node.this, exp.Func):
            yield issue("FUNCTION_NOT_ALLOWED", node, name=function_name(node.this))
            continue
        problem = node_problem(node)
        if problem is not None:
            yield issue("UNSUPPORTED_SQL", node, construct=problem)


def node_problem(node: exp.Expr) -> str | None:
    """What is wrong with ``node``, or None when the gate understands it."""
    if isinstance(node, exp.Func) and type(node) not in STRUCTURE:
        return _function_problem(node)
    allowed = STRUCTURE.get(type(node))
    if allowed is None:
        return NAMES.get(type(node), type(node).__name__.upper())
    extra = sorted(
        k for k, v in node.args.items() if v not in (None, False, []) and k not in allowed
    )
    if extra:
        return _argument_name(node, extra[0])
    return _shape_problem(node)


def _function_problem(node: exp.Func) -> str | None:
    construct = CONSTRUCTS.get(type(node))
    if construct is not None:
        return construct
    name = function_name(node)
    if isinstance(node, exp.Anonymous) and name in VARIABLE_FUNCTIONS:
        return f"{name}() (settings and variables)"
    return None


def _argument_name(node: exp.Expr, arg: str) -> str:
    special = {
        (exp.Union, "by_name"): "UNION BY NAME",
        (exp.Star, "replace"): "* REPLACE (...)",
        (exp.Star, "rename"): "* RENAME (...)",
        (exp.With, "recursive"): "WITH RECURSIVE",
        (exp.TableAlias, "columns"): "column aliases after a table alias t(a, b)",
        (exp.Select, "windows"): "named WINDOW",
        (exp.Window, "alias"): "named WINDOW",
        (exp.Limit, "limit_options"): "LIMIT PERCENT / WITH TIES",
    }
    for (kind, key), name in special.items():
        if isinstance(node, kind) and arg == key:
            return name
    return f"{type(node).__name__.upper()} {arg.rstrip('_').upper()}"


def _shape_problem(node: exp.Expr) -> str | None:
    """Checks on values and positions the argument list alone does not express."""
    check = SHAPES.get(type(node))
    return check(node) if check is not None else None


def _table_problem(node: exp.Expr) -> str | None:
    if isinstance(node.this, exp.Identifier):
        return None
    name = function_name(node.this) if isinstance(node.this, exp.Func) else node.this.key
    return f"table function {name}"


def _join_problem(node: exp.Expr) -> str | None:
    for key, words in JOIN_WORDS.items():
        value = node.args.get(key)
        if value and str(value).upper() not in words:
            return f"{value} JOIN"
    return None


def _column_problem(node: exp.Expr) -> str | None:
    return None if isinstance(node.this, exp.Identifier | exp.Star) else "column expression"


def _star_problem(node: exp.Expr) -> str | None:
    parent = node.parent
    if isinstance(parent, exp.Select | exp.Column):
        return None
    if isinstance(parent, exp.Count) and node.arg_key == "this":
        return None
    return "* outside SELECT or COUNT(*)"


def _type_problem(node: exp.Expr) -> str | None:
    return None if node.this in TYPES else f"CAST to {node.sql()}"


def _var_problem(node: exp.Expr) -> str | None:
    """Keywords are allowed as units of dates and intervals (EXTRACT(YEAR ...), DAY)."""
    in_extract = isinstance(node.parent, exp.Extract) and node.arg_key == "this"
    return None if node.arg_key == "unit" or in_extract else f"keyword {node.name}"


def _lateral_problem(node: exp.Expr) -> str | None:
    return None if isinstance(node.this, exp.Subquery) else "LATERAL without a subquery"


SHAPES: dict[type[exp.Expr], Callable[[exp.Expr], str | None]] = {
    exp.Table: _table_problem,
    exp.Join: _join_problem,
    exp.Column: _column_problem,
    exp.Star: _star_problem,
    exp.DataType: _type_problem,
    exp.Var: _var_problem,
    exp.Lateral: _lateral_problem,
}
