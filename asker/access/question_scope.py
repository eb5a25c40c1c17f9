"""Org units a question names must lie in the asker's scope (ARCHITECTURE §6).

"成都分行的存款" from a 北京 branch manager, or "全行存款" from any branch role, is refused with
ACCESS_DENIED naming the org, never answered with silent zeros or a partial total labelled as
the whole. "各分行" from a branch role is answered within scope by the gate's row filter.
"""

from __future__ import annotations

from asker.access.policy import Policy
from asker.access.scope import OrgDirectory
from asker.errors import AccessDenied
from asker.types import Principal


def visible_orgs(principal: Principal, policy: Policy, orgs: OrgDirectory) -> frozenset[str] | None:
    """The org units the principal may name (None: all of them)."""
    role = policy.role(principal.role)
    if role.row_scope == "all":
        return None
    if role.row_scope == "org":
        return frozenset(orgs.descendants(principal.org_id))
    return frozenset({principal.org_id}) if role.row_scope == "customer" else frozenset()


def check_named_orgs(
    principal: Principal,
    named: tuple[str, ...],
    bank_wide: bool,
    policy: Policy,
    orgs: OrgDirectory,
) -> None:
    allowed = visible_orgs(principal, policy, orgs)
    if allowed is None:
        return
    role = policy.role(principal.role)
    if bank_wide:
        raise AccessDenied("ACCESS_DENIED", role=role.label, target="全行数据 (bank-wide data)")
    outside = [org for org in named if org not in allowed]
    if outside:
        names = "、".join(orgs.get(org).org_name for org in outside)
        raise AccessDenied("ACCESS_DENIED", role=role.label, target=names)
