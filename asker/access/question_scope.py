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
    *,
    mentions: tuple[tuple[str, ...], ...] = (),
) -> None:
    """Refuse a question that names the whole bank or any unit outside scope: the filters of its
    plan (``named``) and every org mention in its words, each a tuple of readings of which one
    must lie in scope. The refusal names what the asker may see, never the unit they asked about
    (a partial name is not expanded into another unit's full name)."""
    allowed = visible_orgs(principal, policy, orgs)
    if allowed is None:
        return
    role = policy.role(principal.role)
    if bank_wide:
        raise AccessDenied("ACCESS_DENIED", role=role.label, target="全行数据 (bank-wide data)")
    outside = any(org not in allowed for org in named) or any(
        not allowed.intersection(readings) for readings in mentions
    )
    if outside:
        raise AccessDenied("ACCESS_DENIED", role=role.label, target=_outside(principal, orgs))


def _outside(principal: Principal, orgs: OrgDirectory) -> str:
    own = orgs.get(principal.org_id).org_name
    return f"{own}以外的机构 (units outside {own})"
