"""Gate step: the SQL that runs is generated from the checked, rewritten tree (identifiers
quoted), never the text that came in; it must read back as the same single query."""

from __future__ import annotations

from dataclasses import replace

from asker.gate.issues import issue, raise_if_any
from asker.gate.state import GateState
from asker.gate.statement import single_query


def regenerated_sql(state: GateState) -> GateState:
    sql = state.query.sql(dialect=state.dialect, identify=True)
    again = single_query(sql, state.dialect).sql(dialect=state.dialect, identify=True)
    if again != sql:  # generation must round-trip, or what runs is not what was checked
        raise_if_any([issue("UNSUPPORTED_SQL", construct="SQL that does not regenerate")])
    return replace(state, sql=sql)
