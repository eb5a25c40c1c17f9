"""Gate step: a role without data access runs nothing, before the SQL is even parsed."""

from __future__ import annotations

from asker.gate.issues import issue, raise_if_any
from asker.gate.state import GateState

WAREHOUSE = "数据仓库 (warehouse)"


def data_access(state: GateState) -> GateState:
    """Refuse every statement from a role whose policy has ``data_access: false``."""
    if not state.role.data_access:
        raise_if_any([issue("ACCESS_DENIED", role=state.role.role, target=WAREHOUSE)])
    return state
