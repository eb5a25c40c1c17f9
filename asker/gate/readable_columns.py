"""Gate step: every column the query reads (after ``*`` expansion) is one the role may read.

A column the policy denies (a denied column, or a PII column the role sees "denied") is
``ACCESS_DENIED`` wherever it appears, even inside ``COUNT(...)``: what it holds is not the
role's to compute on. Records the tables and ``table.column`` names the query reads.
"""

from __future__ import annotations

from dataclasses import replace

from sqlglot import exp

from asker.gate.issues import Issue, issue, raise_if_any
from asker.gate.known_names import physical_tables
from asker.gate.sources import Scopes, source_of
from asker.gate.state import GateState


def readable_columns(state: GateState) -> GateState:
    scopes = Scopes(state.checked)
    issues: list[Issue] = []
    read: set[str] = set()
    for scope in scopes.all:
        for column in scopes.owned_columns(scope):
            source = source_of(column, scope)
            if not isinstance(source, exp.Table):
                continue
            name = f"{source.name}.{column.name}"
            read.add(name)
            if state.role.column_access(source.name, column.name) == "denied":
                issues.append(issue("ACCESS_DENIED", column, role=state.role.role, target=name))
    raise_if_any(issues)
    tables = tuple(sorted({t.name for t in physical_tables(scopes)}))
    return replace(state, tables=tables, columns=tuple(sorted(read)))
