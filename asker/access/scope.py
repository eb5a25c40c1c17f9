"""The org directory: the 总行 → 分行 → 支行 tree that org-scoped roles see a subtree of.

>>> orgs = OrgDirectory.from_rows([
...     ("HQ", None, "总行", None, "总行"),
...     ("B05", "HQ", "分行", "B05", "成都分行"),
...     ("B05S01", "B05", "支行", "B05", "成都高新支行"),
... ])
>>> orgs.descendants("B05")
('B05', 'B05S01')
>>> orgs.scope_label("B05")
'成都分行及下辖支行'
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import sqlglot

from asker.errors import AccessDenied, InternalError
from asker.warehouse.engine import Executor

OrgRow = tuple[str, str | None, str, str | None, str]  # org_id, parent, level, branch, name
ORG_QUERY = "SELECT org_id, parent_org_id, org_level, branch_id, org_name FROM dim_org"
MAX_ORGS = 100_000


@dataclass(frozen=True)
class Org:
    org_id: str
    parent_org_id: str | None
    org_level: str
    branch_id: str | None
    org_name: str


@dataclass(frozen=True)
class OrgDirectory:
    """Every org unit by id, and each unit's children."""

    orgs: tuple[Org, ...]

    @classmethod
    def from_rows(cls, rows: Iterable[OrgRow]) -> OrgDirectory:
        return cls(tuple(Org(*row) for row in rows))

    def get(self, org_id: str) -> Org:
        """The unit ``org_id``; an unknown unit is refused (a principal bound to nothing)."""
        for org in self.orgs:
            if org.org_id == org_id:
                return org
        raise AccessDenied("ACCESS_DENIED", role="-", target=f"org {org_id}")

    def children(self, org_id: str) -> tuple[str, ...]:
        return tuple(sorted(o.org_id for o in self.orgs if o.parent_org_id == org_id))

    def descendants(self, org_id: str) -> tuple[str, ...]:
        """``org_id`` and every unit under it, sorted (总行: everything; 支行: itself)."""
        self.get(org_id)
        found: set[str] = set()
        todo = [org_id]
        while todo:
            current = todo.pop()
            if current not in found:  # a cycle in bad data must not loop forever
                found.add(current)
                todo.extend(self.children(current))
        return tuple(sorted(found))

    def ancestors(self, org_id: str) -> tuple[str, ...]:
        """The units above ``org_id`` (its 分行 and the 总行), nearest first."""
        found: list[str] = []
        parent = self.get(org_id).parent_org_id
        while parent is not None and parent not in found:  # a cycle in bad data must not loop
            found.append(parent)
            parent = self.get(parent).parent_org_id
        return tuple(found)

    def scope_label(self, org_id: str) -> str:
        """How the scope reads in Chinese: '成都分行及下辖支行', '成都高新支行', '全行'."""
        org = self.get(org_id)
        if org.parent_org_id is None:
            return "全行"
        if self.children(org_id):
            return f"{org.org_name}及下辖{_child_word(org.org_level)}"
        return org.org_name


def _child_word(level: str) -> str:
    return "支行" if level == "分行" else "机构"


def load_org_directory(executor: Executor) -> OrgDirectory:
    """Read dim_org through the executor (the same sandbox every query runs in)."""
    tree = sqlglot.parse_one(ORG_QUERY, dialect=executor.dialect)
    result = executor.execute(tree, row_cap=MAX_ORGS, timeout_s=30)
    if result.truncated:
        raise InternalError("INTERNAL_ERROR", error_class="OrgDirectoryTooLarge")
    return OrgDirectory.from_rows(
        (str(r[0]), _text(r[1]), str(r[2]), _text(r[3]), str(r[4])) for r in result.rows
    )


def _text(value: object) -> str | None:
    return None if value is None else str(value)
