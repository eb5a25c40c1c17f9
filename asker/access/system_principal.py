"""The system principal the metric review's impact run is gated as (issue #17 item 3).

Built in code from the catalog, never read from the policy file, so a bank's own policy cannot
widen it: every table, every row, detail allowed, and every PII column of the catalog denied
(a draft that reads one is refused, even inside ``COUNT``). What the reviewer is shown follows
their own role; this principal only proves that a draft's SQL is one the gate allows.

>>> from asker.access.policy import load_policy
>>> from asker.warehouse.catalog import load_catalog
>>> policy, who = impact_principal(load_policy(), load_catalog(), "HQ")
>>> policy.role(who.role).column_access("dim_customer", "id_no")
'denied'
>>> policy.role(who.role).rights
frozenset()
"""

from __future__ import annotations

from dataclasses import replace

from asker.access.policy import Policy, RolePolicy
from asker.types import Principal
from asker.warehouse.catalog import Catalog

IMPACT_ROLE = "system_impact_review"
IMPACT_USER = "system:impact-review"
IMPACT_ROW_CAP = 1000


def impact_role(catalog: Catalog) -> RolePolicy:
    """Every table and row, no PII at all, no application rights."""
    return RolePolicy(
        role=IMPACT_ROLE,
        label="影响分析（系统） impact review (system)",
        data_access=True,
        tables=None,
        denied_columns=frozenset(),
        row_scope="all",
        detail=True,
        pii=tuple(sorted((f"{t}.{c.name}", "denied") for t, c in catalog.pii_columns())),
        row_cap=IMPACT_ROW_CAP,
    )


def impact_principal(policy: Policy, catalog: Catalog, root_org: str) -> tuple[Policy, Principal]:
    """The policy with the system role in place of any role of that name, and its principal."""
    roles = tuple(r for r in policy.roles if r.role != IMPACT_ROLE)
    system = replace(policy, roles=(*roles, impact_role(catalog)))
    return system, Principal(IMPACT_USER, IMPACT_ROLE, root_org, None, "影响分析")
