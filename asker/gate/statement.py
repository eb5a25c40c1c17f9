"""The gate's first step: exactly one statement, and it is a query (a SELECT or set operation).

>>> single_query("SELECT 1").sql()
'SELECT 1'
>>> single_query("DELETE FROM t")
Traceback (most recent call last):
asker.errors.InvalidSql: NOT_READ_ONLY: Only read-only SELECT queries may run; got DELETE. ...
>>> single_query("SELECT * FROM t FOR UPDATE SKIP LOCKED")
Traceback (most recent call last):
asker.errors.InvalidSql: NOT_READ_ONLY: Only read-only SELECT queries may run; got SELECT ...
"""

from __future__ import annotations

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError, TokenError

from asker.errors import InvalidSql

QUERY_ROOTS = (exp.Select, exp.Union, exp.Intersect, exp.Except)


def parse_statements(sql: str, dialect: str) -> list[exp.Expr]:
    """Every statement in ``sql``; refuses text sqlglot cannot parse."""
    try:
        parsed = sqlglot.parse(sql, dialect=dialect)
    except (ParseError, TokenError) as exc:
        raise InvalidSql("INVALID_SQL", detail=_first_line(str(exc))) from exc
    return [e for e in parsed if e is not None]


def single_query(sql: str, dialect: str = "duckdb") -> exp.Expr:
    """The one query in ``sql``: refuses several statements and anything but a query."""
    if not sql.strip():
        raise InvalidSql("EMPTY_INPUT")
    statements = parse_statements(sql, dialect)
    if len(statements) != 1:
        raise InvalidSql("MULTIPLE_STATEMENTS", count=len(statements))
    tree = statements[0]
    if not isinstance(tree, QUERY_ROOTS):
        raise InvalidSql("NOT_READ_ONLY", statement=statement_kind(sql))
    lock = tree.find(exp.Lock)
    if lock is not None:  # FOR UPDATE / SHARE takes row locks: a write on the engine
        raise InvalidSql("NOT_READ_ONLY", statement=f"SELECT ... {lock_kind(lock)}")
    return tree


def lock_kind(lock: exp.Lock) -> str:
    """``FOR UPDATE``, ``FOR NO KEY UPDATE``, ``FOR SHARE`` or ``FOR KEY SHARE`` (for messages)."""
    if lock.args.get("update"):
        return "FOR NO KEY UPDATE" if lock.args.get("key") else "FOR UPDATE"
    return "FOR KEY SHARE" if lock.args.get("key") else "FOR SHARE"


def statement_kind(sql: str) -> str:
    """The statement's first keyword, e.g. 'DELETE', 'CREATE', 'PRAGMA' (for messages)."""
    words = sql.strip().lstrip("(").split(None, 1)
    return words[0].upper()[:30] if words else ""


def _first_line(text: str) -> str:
    first = text.strip().splitlines()[0][:200] if text.strip() else "syntax error"
    return first.rstrip(".")
