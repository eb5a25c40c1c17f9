"""The labels that tell people which row filter the gate applied (shown with every answer).

>>> from asker.access.scope import OrgDirectory
>>> orgs = OrgDirectory.from_rows([("HQ", None, "总行", None, "总行"),
...     ("B05", "HQ", "分行", "B05", "成都分行"), ("B05S01", "B05", "支行", "B05", "高新支行")])
>>> org_label("org", "B05", None, orgs)
'已按您的权限范围过滤：成都分行及下辖支行'
"""

from __future__ import annotations

from asker.access.scope import OrgDirectory
from asker.gate.state import GateState
from asker.types import Labelled

PREFIX = "已按您的权限范围过滤："


def scope_labels(state: GateState, filtered: tuple[str, ...]) -> tuple[Labelled, ...]:
    """One label for the role's row scope when any table was filtered, with its value."""
    if not filtered:
        return ()
    principal, scope = state.principal, state.role.row_scope
    value = {
        "row_scope": scope,
        "org_id": principal.org_id,
        "emp_id": principal.emp_id,
        "tables": list(filtered),
    }
    if scope in ("org", "customer"):
        value["org_ids"] = list(state.orgs.descendants(principal.org_id))
    label = org_label(scope, principal.org_id, principal.emp_id, state.orgs)
    return (Labelled(label=label, value=value),)


def org_label(scope: str, org_id: str, emp_id: str | None, orgs: OrgDirectory) -> str:
    if scope == "org":
        return PREFIX + orgs.scope_label(org_id)
    if scope == "customer":
        unit = orgs.get(org_id).org_name
        return f"{PREFIX}您管户的客户（客户经理 {emp_id}）；机构类数据限{unit}"
    return PREFIX + "无可见数据"
