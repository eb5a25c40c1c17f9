"""From the bank's directory to a principal: which directory groups give which role, and which
directory attribute (or token claim, or signed header field) carries the org unit, the employee
id and the display name. Declared in the policy YAML's ``directory`` section; every kind of
directory sign-in (OIDC, LDAP/AD, the trusted header) goes through ``principal_from``.

The first group of the mapping the user belongs to decides the role (write them most powerful
first); a user in no mapped group gets no role at all (DIRECTORY_NO_ROLE), never a default one.

>>> mapping = DirectoryMapping((("asker-hq", "hq_analyst"), ("asker-branch", "branch_manager")))
>>> entry = DirectoryEntry(("Asker-Branch",), "B05", "E0100", "李娜")
>>> who = principal_from(mapping, "li.na", entry)
>>> who.role, who.org_id, who.emp_id
('branch_manager', 'B05', 'E0100')
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from asker.errors import AccessDenied
from asker.types import Principal


@dataclass(frozen=True)
class DirectoryMapping:
    """Directory groups to roles (first match wins) and the attributes that carry the rest.

    Group names compare without case (AD does not keep case), as a group's common name or its
    full DN, whichever the directory hands over."""

    groups: tuple[tuple[str, str], ...]
    org_attribute: str = "departmentNumber"
    emp_attribute: str = "employeeNumber"
    name_attribute: str = "displayName"
    groups_claim: str = "groups"  # the OIDC token claim (or header field) listing the groups

    @property
    def roles(self) -> tuple[str, ...]:
        return tuple(role for _, role in self.groups)

    def role_for(self, groups: Iterable[str]) -> str | None:
        held = {g.strip().casefold() for g in groups}
        return next((role for group, role in self.groups if group.casefold() in held), None)


@dataclass(frozen=True)
class DirectoryEntry:
    """What the directory says about one user."""

    groups: tuple[str, ...]
    org_id: str | None
    emp_id: str | None = None
    display_name: str | None = None


def principal_from(mapping: DirectoryMapping, user_id: str, entry: DirectoryEntry) -> Principal:
    """The user's principal; DIRECTORY_NO_ROLE without a mapped group, DIRECTORY_NO_ORG without
    an org unit (a role's row scope needs one: fail closed)."""
    role = mapping.role_for(entry.groups)
    if role is None:
        shown = "、".join(entry.groups[:10]) or "—"
        raise AccessDenied("DIRECTORY_NO_ROLE", user=user_id, groups=shown)
    if not entry.org_id:
        raise AccessDenied("DIRECTORY_NO_ORG", user=user_id, attribute=mapping.org_attribute)
    return Principal(
        user_id, role, entry.org_id, entry.emp_id or None, entry.display_name or user_id
    )


def first_value(value: object) -> str | None:
    """One attribute's value as text: the first of a multi-valued attribute, None if empty."""
    if isinstance(value, list | tuple):
        value = value[0] if value else None
    if value is None or value == "":
        return None
    return value.decode() if isinstance(value, bytes) else str(value)


def group_names(value: object) -> tuple[str, ...]:
    """A groups attribute or claim as names: ``cn=x,ou=groups,...`` gives both the DN and ``x``."""
    values = value if isinstance(value, list | tuple) else ([value] if value else [])
    names: list[str] = []
    for item in values:
        text = item.decode() if isinstance(item, bytes) else str(item)
        names.append(text)
        head = text.split(",", 1)[0]
        if "=" in head and "," in text:
            names.append(head.split("=", 1)[1])
    return tuple(names)
